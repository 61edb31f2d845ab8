import icalendar
import pytest

from hanoi_summit.core.models import OutgoingEmail
from sessions.errors import ProgrammeError
from sessions.models import Booking, BookingMode, BookingStatus
from sessions.services import booking_cancel, booking_request
from tests import factories

pytestmark = pytest.mark.django_db


def _members(focal, n):
    return [factories.MemberFactory(delegation=focal.delegation) for _ in range(n)]


def _book(session, member, focal, **kwargs):
    return booking_request(
        session=session, member=member, delegation=focal.delegation, actor=focal.user, **kwargs
    )


def test_confirmed_while_seats_then_waitlisted(focal):
    session = factories.SessionFactory(capacity=1)
    first, second = _members(focal, 2)
    assert _book(session, first, focal).status == BookingStatus.CONFIRMED
    assert _book(session, second, focal).status == BookingStatus.WAITLISTED
    assert Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).count() == 1


def test_confirmation_email_carries_the_session_as_icalendar(focal):
    session = factories.SessionFactory(capacity=5, title="Roundtable 1")
    member = _members(focal, 1)[0]
    booking = _book(session, member, focal)
    email = OutgoingEmail.objects.get(dedupe_key=f"programme:booking:{booking.pk}:confirmed")
    assert email.to == member.email and "Roundtable 1" in email.subject
    [attachment] = email.attachments
    assert attachment["mimetype"] == "text/calendar"
    calendar = icalendar.Calendar.from_ical(attachment["content"])
    assert calendar["METHOD"] == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    assert event["UID"] == f"{session.uid}@hanoi-summit" and event["SUMMARY"] == "Roundtable 1"


def test_cancel_promotes_first_waitlisted_at_once_with_email(focal):
    session = factories.SessionFactory(capacity=1)
    first, second, third = _members(focal, 3)
    confirmed = _book(session, first, focal)
    waiting = _book(session, second, focal)
    _book(session, third, focal)
    promoted = booking_cancel(booking=confirmed, delegation=focal.delegation, actor=focal.user)
    assert promoted.pk == waiting.pk
    statuses = dict(Booking.objects.filter(session=session).values_list("member_id", "status"))
    assert statuses == {
        first.pk: BookingStatus.CANCELLED,
        second.pk: BookingStatus.CONFIRMED,
        third.pk: BookingStatus.WAITLISTED,
    }
    email = OutgoingEmail.objects.get(dedupe_key=f"programme:booking:{waiting.pk}:confirmed")
    assert email.attachments[0]["mimetype"] == "text/calendar"


def test_cancelling_a_waitlisted_booking_promotes_nobody(focal):
    session = factories.SessionFactory(capacity=1)
    first, second = _members(focal, 2)
    _book(session, first, focal)
    waiting = _book(session, second, focal)
    assert booking_cancel(booking=waiting, delegation=focal.delegation, actor=focal.user) is None
    assert Booking.objects.get(pk=waiting.pk).status == BookingStatus.CANCELLED


def test_promotion_skips_a_member_with_a_clashing_confirmed_booking(focal):
    session = factories.SessionFactory(capacity=1)
    clash = factories.SessionFactory(starts_at=session.starts_at, ends_at=session.ends_at, capacity=5)
    first, busy, free = _members(focal, 3)
    confirmed = _book(session, first, focal)
    _book(session, busy, focal)
    _book(session, free, focal)
    _book(clash, busy, focal)
    promoted = booking_cancel(booking=confirmed, delegation=focal.delegation, actor=focal.user)
    assert promoted.member_id == free.pk


@pytest.mark.parametrize(
    ("session_kwargs", "code"),
    [
        ({"is_cancelled": True}, "session_cancelled"),
        ({"booking_mode": BookingMode.INVITATION}, "booking_not_open"),
        (
            {"starts_at": factories.hanoi_time(-10, 9), "ends_at": factories.hanoi_time(-10, 10)},
            "session_past",
        ),
    ],
)
def test_refused_sessions_change_nothing(focal, session_kwargs, code):
    session = factories.SessionFactory(**session_kwargs)
    with pytest.raises(ProgrammeError) as error:
        _book(session, _members(focal, 1)[0], focal)
    assert error.value.code == code
    assert not Booking.objects.exists() and not OutgoingEmail.objects.exists()


def test_the_clock_decides_what_is_past(focal, settings):
    session = factories.SessionFactory()
    settings.EVENT_NOW = "2025-10-25T14:30:00+07:00"
    with pytest.raises(ProgrammeError) as error:
        _book(session, _members(focal, 1)[0], focal)
    assert error.value.code == "session_past"


def test_member_of_another_delegation_is_refused(focal):
    stranger = factories.MemberFactory()
    with pytest.raises(ProgrammeError) as error:
        _book(factories.SessionFactory(), stranger, focal)
    assert error.value.code == "member_not_in_delegation"
    assert not Booking.objects.exists()


def test_same_member_twice_is_refused(focal):
    session = factories.SessionFactory()
    member = _members(focal, 1)[0]
    _book(session, member, focal)
    with pytest.raises(ProgrammeError) as error:
        _book(session, member, focal)
    assert error.value.code == "already_booked"
    assert Booking.objects.count() == 1


def test_per_delegation_cap(focal):
    session = factories.SessionFactory(per_delegation_cap=2)
    a, b, c = _members(focal, 3)
    _book(session, a, focal)
    _book(session, b, focal)
    with pytest.raises(ProgrammeError) as error:
        _book(session, c, focal)
    assert error.value.code == "delegation_cap_reached"
    other = factories.FocalPointFactory()
    assert (
        _book(session, factories.MemberFactory(delegation=other.delegation), other).status
        == BookingStatus.CONFIRMED
    )


def test_overlapping_confirmed_booking_is_refused(focal):
    member = _members(focal, 1)[0]
    first = factories.SessionFactory(
        starts_at=factories.hanoi_time(1, 14), ends_at=factories.hanoi_time(1, 15, 15)
    )
    overlapping = factories.SessionFactory(
        starts_at=factories.hanoi_time(1, 15), ends_at=factories.hanoi_time(1, 16)
    )
    after = factories.SessionFactory(
        starts_at=factories.hanoi_time(1, 15, 15), ends_at=factories.hanoi_time(1, 16)
    )
    _book(first, member, focal)
    with pytest.raises(ProgrammeError) as error:
        _book(overlapping, member, focal)
    assert error.value.code == "booking_overlap"
    assert _book(after, member, focal).status == BookingStatus.CONFIRMED


def test_cancel_someone_elses_booking_is_refused(focal):
    booking = factories.BookingFactory()
    with pytest.raises(ProgrammeError) as error:
        booking_cancel(booking=booking, delegation=focal.delegation, actor=focal.user)
    assert error.value.code == "not_your_booking"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_cancel_twice_is_refused(focal):
    booking = _book(factories.SessionFactory(), _members(focal, 1)[0], focal)
    booking_cancel(booking=booking, delegation=focal.delegation, actor=focal.user)
    with pytest.raises(ProgrammeError) as error:
        booking_cancel(booking=booking, delegation=focal.delegation, actor=focal.user)
    assert error.value.code == "booking_not_active"
