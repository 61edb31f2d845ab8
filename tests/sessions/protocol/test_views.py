import csv
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from delegations.models import ProtocolRank
from sessions.models import FullPowersStatus, SessionKind, Signature, SigningBasis
from tests import factories

pytestmark = pytest.mark.django_db


def _pdf_text(content):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_protocol_pages_are_closed_to_focal_points_and_the_public(client):
    url = reverse("protocol_programme:signing")
    assert client.get(url).status_code == 302
    client.force_login(factories.FocalPointFactory().user)
    assert client.get(url).status_code == 403
    assert client.post(reverse("protocol_programme:signing_generate")).status_code == 403


def test_speakers_list_move_close_and_pdf(protocol_client):
    plenary = factories.SessionFactory(kind=SessionKind.PLENARY, booking_mode="none")
    president = factories.SpeakerRequestFactory(
        session=plenary,
        level=ProtocolRank.HEAD_OF_STATE,
        speaker__family_name="Nguyễn",
        speaker__given_names="Văn An",
        speaker__family_name_first=True,
    )
    observer = factories.SpeakerRequestFactory(session=plenary, level=ProtocolRank.OBSERVER)
    protocol_client.post(reverse("protocol_programme:speakers_move", args=[observer.pk]), {"position": 1})
    body = protocol_client.get(reverse("protocol_programme:speakers", args=[plenary.slug])).content.decode()
    assert body.index(f'data-entry="{observer.pk}"') < body.index(f'data-entry="{president.pk}"')
    protocol_client.post(reverse("protocol_programme:speakers_close", args=[plenary.slug]), {"closed": "1"})
    plenary.refresh_from_db()
    assert plenary.speakers_list_closed_at is not None
    response = protocol_client.get(reverse("protocol_programme:speakers_pdf", args=[plenary.slug]))
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Nguyễn Văn An" in text and text.index(observer.delegation.name) < text.index(
        president.delegation.name
    )


def test_speakers_pdf_prints_typed_markup_as_text(protocol_client):
    """Names are typed by focal points: "<" and "&" are letters on the PDF, not markup."""
    plenary = factories.SessionFactory(kind=SessionKind.PLENARY, booking_mode="none", title="Plenary <b>")
    factories.SpeakerRequestFactory(
        session=plenary, speaker__given_names="<b>Jo", speaker__family_name="& Ann"
    )
    response = protocol_client.get(reverse("protocol_programme:speakers_pdf", args=[plenary.slug]))
    assert response.status_code == 200
    text = _pdf_text(response.content)
    assert "<b>Jo & Ann" in text and "Plenary <b>" in text


@pytest.mark.parametrize("rows", [1, 3])
def test_signing_desk_query_count(protocol_client, ceremony, django_assert_num_queries, rows):
    for _ in range(rows):
        factories.SignatureFactory()
    # session, user, user and group permissions; signatures; ceremony with its room
    with django_assert_num_queries(6):
        response = protocol_client.get(reverse("protocol_programme:signing"))
    assert response.content.decode().count("data-signature=") == rows


def test_generate_record_and_count_live(protocol_client, ceremony, client):
    signature = factories.SignatureFactory(confirmed_at=factories.hanoi_time(-3, 9))
    protocol_client.post(reverse("protocol_programme:signing_generate"), {"slot_minutes": 3})
    signature.refresh_from_db()
    assert (signature.slot_order, signature.slot_starts_at) == (1, factories.hanoi_time(1, 10))
    protocol_client.post(reverse("protocol_programme:signing_record", args=[signature.pk]))
    signature.refresh_from_db()
    assert signature.signed_at is not None
    assert 'data-count="1"' in client.get(reverse("programme:signatories")).content.decode()
    text = _pdf_text(protocol_client.get(reverse("protocol_programme:signing_pdf")).content)
    assert signature.delegation.name in text and "10:00" in text


def test_secretariat_verifies_and_refuses_full_powers(secretariat_client):
    signature = factories.SignatureFactory(
        basis=SigningBasis.FULL_POWERS,
        full_powers_status=FullPowersStatus.RECEIVED,
        full_powers=factories.DocumentFactory(kind="full_powers"),
    )
    response = secretariat_client.get(reverse("protocol_programme:full_powers_file", args=[signature.pk]))
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    secretariat_client.post(
        reverse("protocol_programme:full_powers_refuse", args=[signature.pk]), {"reason": ""}
    )
    signature.refresh_from_db()
    assert signature.full_powers_status == FullPowersStatus.RECEIVED
    secretariat_client.post(
        reverse("protocol_programme:full_powers_refuse", args=[signature.pk]), {"reason": "Unsigned copy"}
    )
    signature.refresh_from_db()
    assert (signature.full_powers_status, signature.full_powers_note) == (
        FullPowersStatus.REFUSED,
        "Unsigned copy",
    )


def test_protocol_officer_cannot_verify_full_powers(protocol_client):
    signature = factories.SignatureFactory(
        basis=SigningBasis.FULL_POWERS, full_powers_status=FullPowersStatus.RECEIVED
    )
    assert (
        protocol_client.post(
            reverse("protocol_programme:full_powers_verify", args=[signature.pk])
        ).status_code
        == 403
    )
    assert Signature.objects.get(pk=signature.pk).full_powers_status == FullPowersStatus.RECEIVED


def test_gala_guest_list_and_csv(protocol_client):
    gala = factories.SessionFactory(kind=SessionKind.GALA_DINNER, booking_mode="invitation")
    minister = factories.GalaInvitationFactory(
        session=gala,
        status="accepted",
        member__protocol_rank=ProtocolRank.MINISTER,
        dietary_needs="Vegetarian",
    )
    king = factories.GalaInvitationFactory(
        session=gala, status="accepted", member__protocol_rank=ProtocolRank.HEAD_OF_STATE, guest_name="Queen"
    )
    factories.GalaInvitationFactory(session=gala, status="declined")
    body = protocol_client.get(reverse("protocol_programme:gala")).content.decode()
    assert body.count("data-guest=") == 2 and "3 of 100 seats taken" in body
    rows = list(
        csv.reader(io.StringIO(protocol_client.get(reverse("protocol_programme:gala_csv")).content.decode()))
    )
    assert [row[3] for row in rows[1:]] == [king.member.display_name, minister.member.display_name]
    assert rows[1][6] == "Queen" and rows[2][7] == "Vegetarian"


def test_staff_navigation_links_the_programme_desk_for_its_roles(protocol_client, client):
    assert (
        reverse("protocol_programme:index")
        in protocol_client.get(reverse("programme:index")).content.decode()
    )
    client.force_login(factories.StaffUserFactory(role="Gate officer"))
    assert reverse("protocol_programme:index") not in client.get(reverse("programme:index")).content.decode()
