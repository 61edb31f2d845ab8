"""Every other list page and endpoint of the programme: the query count does not grow with
the number of rows (1 and 3)."""

import pytest
from django.urls import reverse

from sessions.models import GalaInvitation
from tests import factories

pytestmark = pytest.mark.django_db
ROWS = [1, 3]


@pytest.mark.parametrize("rows", ROWS)
def test_programme_ics(client, django_assert_num_queries, rows):
    for _ in range(rows):
        factories.SessionRoleFactory()
    with django_assert_num_queries(2):  # sessions with room and venue; roles
        body = client.get(reverse("programme:ics")).content.decode()
    assert body.count("BEGIN:VEVENT") == rows


@pytest.mark.parametrize("rows", ROWS)
def test_public_speakers_list(client, plenary, django_assert_num_queries, rows):
    for _ in range(rows):
        factories.SpeakerRequestFactory(session=plenary)
    with django_assert_num_queries(2):  # session; entries with delegation and speaker
        body = client.get(reverse("programme:speakers", args=[plenary.slug])).content.decode()
    assert body.count("list-group-item d-flex") == rows


@pytest.mark.parametrize("rows", ROWS)
def test_public_signatories(client, django_assert_num_queries, rows):
    for n in range(rows):
        factories.SignatureFactory(slot_order=n + 1, signed_at=factories.hanoi_time(1, 10, n))
    with django_assert_num_queries(1):
        body = client.get(reverse("programme:signatories")).content.decode()
    assert f'data-count="{rows}"' in body


@pytest.mark.parametrize("rows", ROWS)
def test_personal_agenda(client, django_assert_num_queries, rows):
    member = factories.MemberFactory()
    for _ in range(rows):
        factories.BookingFactory(member=member)
    with django_assert_num_queries(3):  # member; signatory check; sessions with room and venue
        body = client.get(reverse("portal_programme:agenda_ics", args=[member.agenda_token])).content.decode()
    assert body.count("BEGIN:VEVENT") == rows


@pytest.mark.parametrize("rows", ROWS)
def test_portal_agendas(focal_client, focal, django_assert_num_queries, rows):
    for _ in range(rows):
        factories.MemberFactory(delegation=focal.delegation)
    with django_assert_num_queries(4):  # session, user, focal point; members
        body = focal_client.get(reverse("portal_programme:agendas")).content.decode()
    assert body.count("Agenda (.ics)") == rows


@pytest.mark.parametrize("rows", ROWS)
def test_portal_speakers(focal_client, focal, django_assert_num_queries, rows):
    for _ in range(rows):
        factories.SpeakerRequestFactory(speaker=factories.MemberFactory(delegation=focal.delegation))
    with django_assert_num_queries(6):  # session, user, focal point; requests; plenaries and members (form)
        body = focal_client.get(reverse("portal_programme:speakers")).content.decode()
    assert body.count(">Withdraw</button>") == rows


@pytest.mark.parametrize("rows", ROWS)
def test_portal_gala(focal_client, focal, gala, django_assert_num_queries, rows):
    for _ in range(rows):
        GalaInvitation.objects.create(
            session=gala, member=factories.MemberFactory(delegation=focal.delegation)
        )
    with django_assert_num_queries(4):  # session, user, focal point; invitations with member and session
        body = focal_client.get(reverse("portal_programme:gala")).content.decode()
    assert body.count("data-invitation=") == rows


@pytest.mark.parametrize("rows", ROWS)
def test_protocol_speakers(protocol_client, plenary, django_assert_num_queries, rows):
    for _ in range(rows):
        factories.SpeakerRequestFactory(session=plenary)
    with django_assert_num_queries(6):  # session, user, permissions x2; plenary; entries
        body = protocol_client.get(
            reverse("protocol_programme:speakers", args=[plenary.slug])
        ).content.decode()
    assert body.count("data-entry=") == rows


@pytest.mark.parametrize("rows", ROWS)
def test_protocol_gala_and_csv(protocol_client, gala, django_assert_num_queries, rows):
    for _ in range(rows):
        factories.GalaInvitationFactory(session=gala, status="accepted")
    with django_assert_num_queries(8):  # session, user, permissions x2; gala; guests; invitations; seats
        body = protocol_client.get(reverse("protocol_programme:gala")).content.decode()
    assert body.count("data-guest=") == rows
    with django_assert_num_queries(6):  # session, user, permissions x2; gala; guests
        csv_body = protocol_client.get(reverse("protocol_programme:gala_csv")).content.decode()
    assert len(csv_body.strip().splitlines()) == rows + 1


@pytest.mark.parametrize("rows", ROWS)
def test_api_speaker_requests(api, focal, plenary, django_assert_num_queries, rows):
    for _ in range(rows):
        factories.SpeakerRequestFactory(speaker=factories.MemberFactory(delegation=focal.delegation))
    with django_assert_num_queries(3):  # token with user; focal point; requests
        response = api.get("/api/programme/speaker-requests/")
    assert len(response.json()) == rows


@pytest.mark.parametrize("rows", ROWS)
def test_api_bookable_sessions(api, django_assert_num_queries, rows):
    for _ in range(rows):
        factories.SessionRoleFactory()
    with django_assert_num_queries(5):  # token with user; focal point; count; sessions; roles
        response = api.get("/api/programme/bookable-sessions/")
    assert len(response.json()["results"]) == rows
