import pytest
from rest_framework.test import APIClient

from sessions.models import Booking, BookingStatus, SessionKind, Signature, SigningBasis, SpeakerRequest
from tests import factories

pytestmark = pytest.mark.django_db


def test_public_sessions_need_no_login_and_hide_private_ones():
    public = factories.SessionRoleFactory(name="Chair Person", role="chair").session
    factories.SessionFactory(is_public=False)
    response = APIClient().get("/api/programme/sessions/")
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["uid"] == str(public.uid) and item["roles"] == [
        {"role": "chair", "name": "Chair Person", "affiliation": ""}
    ]
    assert APIClient().get(f"/api/programme/sessions/{public.uid}/").json()["title"] == public.title


def test_public_sessions_filter_and_bad_filter_is_400():
    factories.SessionFactory(kind=SessionKind.ROUNDTABLE)
    plenary = factories.SessionFactory(kind=SessionKind.PLENARY)
    response = APIClient().get("/api/programme/sessions/", {"kind": "plenary"})
    assert [s["id"] for s in response.json()["results"]] == [plenary.pk]
    response = APIClient().get("/api/programme/sessions/", {"day": "tomorrow"})
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    response = APIClient().get("/api/programme/sessions/", {"room": "9" * 25})
    assert response.status_code == 400 and response.json()["code"] == "invalid"


@pytest.mark.parametrize("rows", [1, 3])
def test_public_sessions_query_count(django_assert_num_queries, rows):
    for _ in range(rows):
        factories.SessionRoleFactory()
    # count (pagination), sessions with room and venue, roles
    with django_assert_num_queries(3):
        response = APIClient().get("/api/programme/sessions/")
    assert len(response.json()["results"]) == rows


def test_book_and_cancel_with_promotion(api, focal):
    session = factories.SessionFactory(capacity=1)
    first, second = (factories.MemberFactory(delegation=focal.delegation) for _ in range(2))
    one = api.post("/api/programme/bookings/", {"session": session.pk, "member": first.pk}, format="json")
    two = api.post("/api/programme/bookings/", {"session": session.pk, "member": second.pk}, format="json")
    assert (one.status_code, one.json()["status"]) == (201, "confirmed")
    assert (two.status_code, two.json()["status"]) == (201, "waitlisted")
    cancelled = api.post(f"/api/programme/bookings/{one.json()['id']}/cancel/")
    assert cancelled.json()["booking"]["status"] == "cancelled"
    assert cancelled.json()["promoted"]["id"] == two.json()["id"]


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (
            lambda focal: (
                {"session": factories.SessionFactory().pk, "member": factories.MemberFactory().pk}
            ),
            "member_not_in_delegation",
        ),
        (
            lambda focal: (
                {
                    "session": factories.SessionFactory(is_cancelled=True).pk,
                    "member": factories.MemberFactory(delegation=focal.delegation).pk,
                }
            ),
            "session_cancelled",
        ),
        (
            lambda focal: (
                {
                    "session": factories.SessionFactory(
                        starts_at=factories.hanoi_time(-9, 9), ends_at=factories.hanoi_time(-9, 10)
                    ).pk,
                    "member": factories.MemberFactory(delegation=focal.delegation).pk,
                }
            ),
            "session_past",
        ),
        (
            lambda focal: (
                {"session": 999999, "member": factories.MemberFactory(delegation=focal.delegation).pk}
            ),
            "unknown_session",
        ),
        (lambda focal: ({"session": "x", "member": None}), "invalid"),
    ],
)
def test_bad_booking_is_400_with_a_code_and_changes_nothing(api, focal, make, code):
    response = api.post("/api/programme/bookings/", make(focal), format="json")
    assert response.status_code == 400 and response.json()["code"] == code
    assert not Booking.objects.exists()


def test_same_member_twice_is_400(api, focal):
    session = factories.SessionFactory()
    member = factories.MemberFactory(delegation=focal.delegation)
    api.post("/api/programme/bookings/", {"session": session.pk, "member": member.pk}, format="json")
    response = api.post(
        "/api/programme/bookings/", {"session": session.pk, "member": member.pk}, format="json"
    )
    assert response.json()["code"] == "already_booked"
    assert Booking.objects.count() == 1


def test_bookings_without_credentials_are_403():
    # Session authentication comes first and sends no WWW-Authenticate challenge, so DRF
    # answers 403, not 401.
    assert APIClient().get("/api/programme/bookings/").status_code == 403


def test_other_delegations_bookings_are_invisible_and_404(api):
    other = factories.BookingFactory()
    assert api.get("/api/programme/bookings/").json() == []
    assert api.post(f"/api/programme/bookings/{other.pk}/cancel/").status_code == 404
    other.refresh_from_db()
    assert other.status == BookingStatus.CONFIRMED


@pytest.mark.parametrize("rows", [1, 3])
def test_bookings_query_count(api, focal, django_assert_num_queries, rows):
    for _ in range(rows):
        factories.BookingFactory(member=factories.MemberFactory(delegation=focal.delegation))
    factories.BookingFactory()
    # token with user, focal point with delegation, bookings with member and session
    with django_assert_num_queries(3):
        response = api.get("/api/programme/bookings/")
    assert len(response.json()) == rows


def test_speaker_requests_scoped(api, focal):
    plenary = factories.SessionFactory(kind=SessionKind.PLENARY)
    speaker = factories.MemberFactory(delegation=focal.delegation)
    created = api.post(
        "/api/programme/speaker-requests/", {"session": plenary.pk, "speaker": speaker.pk}, format="json"
    )
    assert created.status_code == 201
    other = factories.SpeakerRequestFactory(session=plenary)
    assert [e["id"] for e in api.get("/api/programme/speaker-requests/").json()] == [created.json()["id"]]
    assert api.post(f"/api/programme/speaker-requests/{other.pk}/withdraw/").status_code == 404
    assert SpeakerRequest.objects.get(pk=other.pk).status == "requested"


def test_declare_signatory_and_refuse_a_foreign_one(api, focal):
    foreign = factories.MemberFactory()
    response = api.put(
        "/api/programme/signature/", {"signatory": foreign.pk, "basis": "head_of_state"}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "signatory_not_in_delegation"
    assert not Signature.objects.exists()
    own = factories.MemberFactory(delegation=focal.delegation)
    response = api.put(
        "/api/programme/signature/", {"signatory": own.pk, "basis": SigningBasis.FULL_POWERS}, format="json"
    )
    assert response.json()["full_powers_status"] == "awaited"
    assert api.get("/api/programme/signature/").json()["signatory"] == own.pk


def test_signatures_list_and_record_for_protocol_only(api):
    signature = factories.SignatureFactory(slot_order=1)
    assert api.get("/api/programme/signatures/").status_code == 403
    protocol = APIClient()
    protocol.force_authenticate(factories.StaffUserFactory(role="Protocol officer"))
    assert [s["id"] for s in protocol.get("/api/programme/signatures/").json()["results"]] == [signature.pk]
    recorded = protocol.post(f"/api/programme/signatures/{signature.pk}/record/")
    assert recorded.json()["signed_at"] is not None
    assert (
        protocol.post(f"/api/programme/signatures/{signature.pk}/record/").json()["code"] == "already_signed"
    )
    assert APIClient().get("/api/programme/signatories/count/").json() == {"signatories": 1}


@pytest.mark.parametrize("rows", [1, 3])
def test_signatures_query_count(django_assert_num_queries, rows):
    for _ in range(rows):
        factories.SignatureFactory()
    protocol = APIClient()
    protocol.force_authenticate(factories.StaffUserFactory(role="Protocol officer"))
    # permissions (user, group), count, signatures with delegation, signatory and document
    with django_assert_num_queries(4):
        response = protocol.get("/api/programme/signatures/")
    assert len(response.json()["results"]) == rows


def test_programme_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/programme/sessions/",
        "/api/programme/bookings/",
        "/api/programme/speaker-requests/",
        "/api/programme/signature/",
        "/api/programme/signatures/{id}/record/",
    ):
        assert path in schema


def test_full_powers_upload_checks_the_content_then_secretariat_decides(api, focal):
    from django.core.files.uploadedfile import SimpleUploadedFile

    envoy = factories.MemberFactory(delegation=focal.delegation)
    api.put(
        "/api/programme/signature/", {"signatory": envoy.pk, "basis": SigningBasis.FULL_POWERS}, format="json"
    )
    fake = SimpleUploadedFile("powers.pdf", b"GIF89a not a pdf", content_type="application/pdf")
    response = api.post("/api/programme/signature/full-powers/", {"file": fake}, format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "not_pdf"
    assert Signature.objects.get().full_powers_status == "awaited"
    real = SimpleUploadedFile(
        "powers.pdf", factories.pdf_bytes("Full powers"), content_type="application/pdf"
    )
    response = api.post(
        "/api/programme/signature/full-powers/", {"file": real, "reference": "FP/7"}, format="multipart"
    )
    assert response.json()["full_powers_status"] == "received"

    signature = Signature.objects.get()
    assert (
        api.post(f"/api/programme/signatures/{signature.pk}/full-powers/", {"decision": "verify"}).status_code
        == 403
    )
    secretariat = APIClient()
    secretariat.force_authenticate(factories.StaffUserFactory(role="Secretariat"))
    url = f"/api/programme/signatures/{signature.pk}/full-powers/"
    refused = secretariat.post(url, {"decision": "refuse", "reason": ""}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "reason_required"
    verified = secretariat.post(url, {"decision": "verify"}, format="json")
    assert verified.json()["full_powers_status"] == "verified"
