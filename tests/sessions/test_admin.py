"""The programme admin: venues, rooms, sessions with their roles, bookings, speakers' list,
gala dinner and signatures."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from delegations.models import ProtocolRank
from sessions.models import (
    Booking,
    BookingStatus,
    FullPowersStatus,
    Session,
    SessionKind,
    SessionRole,
    SessionRoleKind,
    SigningBasis,
)
from tests import factories
from tests.factories import hanoi_time

pytestmark = pytest.mark.django_db


def changelist(model):
    return reverse(f"admin:programme_{model}_changelist")


@pytest.mark.parametrize("rows", [1, 3])
def test_venue_changelist_query_count(secretariat_client, django_assert_num_queries, rows):
    venues = [factories.VenueFactory(name=f"Venue {n}") for n in range(rows)]
    for venue in venues:
        factories.RoomFactory.create_batch(2, venue=venue)

    with django_assert_num_queries(7):
        response = secretariat_client.get(changelist("venue"))

    venues_shown = response.context["cl"].result_list
    assert {v.name for v in venues_shown} == {v.name for v in venues}
    assert all(v.room_count == 2 for v in venues_shown)


@pytest.mark.parametrize("rows", [1, 3])
def test_room_changelist_query_count(secretariat_client, django_assert_num_queries, rows):
    zone = factories.ZoneFactory(code="PLN", name="Plenary hall")
    rooms = [factories.RoomFactory(name=f"Hall {n}", capacity=400 + n, zone=zone) for n in range(rows)]

    with django_assert_num_queries(9):
        response = secretariat_client.get(changelist("room"))

    html = response.content.decode()
    for room in rooms:
        assert room.name in html
        assert str(room.capacity) in html
    assert "Plenary hall" in html


@pytest.mark.parametrize("rows", [1, 3])
def test_session_changelist_query_count(secretariat_client, django_assert_num_queries, rows):
    sessions = [
        factories.SessionFactory(title=f"Roundtable on evidence {n}", capacity=10) for n in range(rows)
    ]
    for session in sessions:
        factories.BookingFactory.create_batch(2, session=session)
        factories.BookingFactory(session=session, status=BookingStatus.WAITLISTED)

    with django_assert_num_queries(11):
        response = secretariat_client.get(changelist("session"))

    html = response.content.decode()
    for session in sessions:
        assert session.title in html
    # Confirmed seats over capacity; the waitlisted booking takes no seat.
    assert "2 / 10" in html
    assert "14:00-15:15" in html
    assert "Public" in html


def test_session_filters_by_kind_day_room_and_booking_mode(secretariat_client):
    plenary = factories.SessionFactory(
        kind=SessionKind.PLENARY, starts_at=hanoi_time(1, 14), ends_at=hanoi_time(1, 17)
    )
    roundtable = factories.SessionFactory(
        kind=SessionKind.ROUNDTABLE, starts_at=hanoi_time(2, 13, 30), ends_at=hanoi_time(2, 14, 45)
    )
    gala = factories.SessionFactory(
        kind=SessionKind.GALA_DINNER,
        booking_mode="invitation",
        starts_at=hanoi_time(1, 19),
        ends_at=hanoi_time(1, 21, 30),
    )
    # 06:30 in Hanoi is still the day before in UTC: the day filter must use Hanoi time.
    early = factories.SessionFactory(
        kind=SessionKind.EXHIBITION, starts_at=hanoi_time(2, 6, 30), ends_at=hanoi_time(2, 17)
    )

    def shown(**params):
        return set(secretariat_client.get(changelist("session"), params).context["cl"].result_list)

    assert shown(kind__exact="plenary") == {plenary}
    assert shown(day="2025-10-25") == {plenary, gala}
    assert shown(day="2025-10-26") == {roundtable, early}
    assert shown(room__id__exact=roundtable.room_id) == {roundtable}
    assert shown(booking_mode__exact="invitation") == {gala}


def test_session_form_saves_its_chairs_and_speakers_inline(secretariat_client):
    room = factories.RoomFactory()
    data = {
        "title": "High-level dialogue 1",
        "slug": "hld-1",
        "kind": SessionKind.HIGH_LEVEL_DIALOGUE,
        "theme": "What the Convention means for cooperation",
        "description": "",
        "starts_at_0": "2025-10-25",
        "starts_at_1": "14:00",
        "ends_at_0": "2025-10-25",
        "ends_at_1": "15:30",
        "room": room.pk,
        "capacity": "",
        "per_delegation_cap": "2",
        "booking_mode": "open",
        "is_public": "on",
        "roles-TOTAL_FORMS": "2",
        "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
        "roles-0-role": SessionRoleKind.CHAIR,
        "roles-0-name": "Bui Thanh Son",
        "roles-0-affiliation": "Deputy Prime Minister",
        "roles-0-sort_order": "0",
        "roles-1-role": SessionRoleKind.SPEAKER,
        "roles-1-name": "Ghada Waly",
        "roles-1-affiliation": "UNODC",
        "roles-1-sort_order": "1",
    }

    response = secretariat_client.post(reverse("admin:programme_session_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    session = Session.objects.get(slug="hld-1")
    assert session.starts_at == hanoi_time(1, 14)
    assert list(session.roles.values_list("role", "name")) == [
        ("chair", "Bui Thanh Son"),
        ("speaker", "Ghada Waly"),
    ]


@pytest.mark.parametrize("rows", [1, 3])
def test_session_role_changelist_query_count(secretariat_client, django_assert_num_queries, rows):
    roles = [factories.SessionRoleFactory(name=f"Speaker {n}") for n in range(rows - 1)]
    member = factories.MemberFactory(given_names="Jane", family_name="Member")
    roles.append(factories.SessionRoleFactory(name="", member=member))

    with django_assert_num_queries(7):
        response = secretariat_client.get(changelist("sessionrole"))

    html = response.content.decode()
    assert "Jane Member" in html
    assert all(role.session.title in html for role in roles)
    assert SessionRole.objects.count() == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_booking_changelist_query_count(secretariat_client, django_assert_num_queries, rows):
    bookings = factories.BookingFactory.create_batch(rows, booked_by=factories.UserFactory())

    with django_assert_num_queries(7):
        response = secretariat_client.get(changelist("booking"))

    html = response.content.decode()
    for booking in bookings:
        assert booking.member.display_name in html
        assert booking.member.delegation.name in html
        assert booking.member.passport_number not in html


def test_booking_state_is_not_edited_in_the_admin(secretariat_client):
    booking = factories.BookingFactory(status=BookingStatus.WAITLISTED)
    url = reverse("admin:programme_booking_change", args=[booking.pk])

    response = secretariat_client.post(url, {"status": BookingStatus.CONFIRMED})

    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.WAITLISTED
    assert secretariat_client.get(reverse("admin:programme_booking_add")).status_code == 403
    filtered = secretariat_client.get(changelist("booking"), {"status__exact": "confirmed"})
    assert list(filtered.context["cl"].result_list) == []
    assert Booking.objects.count() == 1


@pytest.mark.parametrize("rows", [1, 3])
def test_speaker_request_changelist_query_count(secretariat_client, django_assert_num_queries, rows):
    plenary = factories.SessionFactory(kind=SessionKind.PLENARY, title="Plenary")
    requests = factories.SpeakerRequestFactory.create_batch(
        rows, session=plenary, level=ProtocolRank.MINISTER
    )

    with django_assert_num_queries(8):
        response = secretariat_client.get(changelist("speakerrequest"))

    html = response.content.decode()
    for request in requests:
        assert request.delegation.name in html
        assert request.speaker.display_name in html


@pytest.mark.parametrize("rows", [1, 3])
def test_gala_invitation_changelist_query_count(secretariat_client, django_assert_num_queries, rows):
    gala = factories.SessionFactory(kind=SessionKind.GALA_DINNER)
    invitations = factories.GalaInvitationFactory.create_batch(rows, session=gala, guest_allowed=True)

    with django_assert_num_queries(7):
        response = secretariat_client.get(changelist("galainvitation"))

    html = response.content.decode()
    for invitation in invitations:
        assert invitation.member.display_name in html
        assert invitation.member.delegation.name in html
    assert "Invited" in html


@pytest.mark.parametrize("rows", [1, 3])
def test_signature_changelist_query_count(secretariat_client, django_assert_num_queries, rows):
    signatures = factories.SignatureFactory.create_batch(rows)
    signatures[0].full_powers_status = FullPowersStatus.AWAITED
    signatures[0].basis = SigningBasis.FULL_POWERS
    signatures[0].save()

    with django_assert_num_queries(7):
        response = secretariat_client.get(changelist("signature"))

    html = response.content.decode()
    for signature in signatures:
        assert signature.delegation.name in html
        assert signature.signatory.display_name in html
    assert "Awaited" in html


def test_signatures_are_read_only_here(secretariat_client):
    signature = factories.SignatureFactory(
        basis=SigningBasis.FULL_POWERS, full_powers_status=FullPowersStatus.AWAITED
    )
    url = reverse("admin:programme_signature_change", args=[signature.pk])

    page = secretariat_client.get(url)
    response = secretariat_client.post(
        url,
        {
            "delegation": signature.delegation_id,
            "signatory": signature.signatory_id,
            "basis": SigningBasis.FULL_POWERS,
            "full_powers_status": FullPowersStatus.VERIFIED,
            "slot_order": "1",
        },
    )

    # Verification and slots belong to the protocol pages' services, which check the rules.
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert response.status_code == 403
    signature.refresh_from_db()
    assert signature.full_powers_status == FullPowersStatus.AWAITED
    assert signature.slot_order is None


@pytest.mark.parametrize(
    ("factory", "model"),
    [
        (factories.VenueFactory, "venue"),
        (factories.RoomFactory, "room"),
        (factories.SessionFactory, "session"),
        (factories.SessionRoleFactory, "sessionrole"),
        (factories.BookingFactory, "booking"),
        (factories.SpeakerRequestFactory, "speakerrequest"),
        (factories.GalaInvitationFactory, "galainvitation"),
        (factories.SignatureFactory, "signature"),
    ],
)
def test_detail_pages_open_for_the_secretariat(secretariat_client, factory, model):
    obj = factory()

    response = secretariat_client.get(reverse(f"admin:programme_{model}_change", args=[obj.pk]))

    assert response.status_code == 200
    assert escape(str(obj)) in response.content.decode()
