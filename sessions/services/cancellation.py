"""Cancelling a session: its bookings released, the delegations that held them told."""

from itertools import groupby

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from delegations.selectors import focal_point_emails
from hanoi_summit.core.audit import audit_record, audit_record_many
from hanoi_summit.core.outbox.queue import email_queue
from sessions.errors import ProgrammeError
from sessions.models import ACTIVE_BOOKING_STATUSES, Booking, BookingStatus
from sessions.services.bookings import lock_session


def session_cancel(*, session, actor, reason=""):
    """Cancel `session` (the secretariat, in the admin). Returns the bookings released.

    Refused for a session already cancelled. Side effects: the session is cancelled; every
    confirmed or waitlisted booking becomes cancelled (nobody is promoted); one e-mail to
    each focal point of every delegation that had a booking, naming its members; audit
    entries for the session and for each booking.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        session = lock_session(session)
        if session.is_cancelled:
            raise ProgrammeError(_("This session has already been cancelled."), code="session_cancelled")
        session.is_cancelled = True
        session.save(update_fields=["is_cancelled", "updated_at"])
        released = list(
            Booking.objects.select_for_update(of=("self",))
            .filter(session=session, status__in=ACTIVE_BOOKING_STATUSES)
            .select_related("member__delegation")
            .order_by("member__delegation_id", "member__family_name", "pk")
        )
        Booking.objects.filter(pk__in=[b.pk for b in released]).update(
            status=BookingStatus.CANCELLED, updated_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="session.cancel",
            target=session,
            before={"is_cancelled": False},
            after={"is_cancelled": True, "bookings_released": len(released)},
            note=reason,
        )
        audit_record_many(
            [(b, {"status": str(b.status)}, {"status": str(BookingStatus.CANCELLED)}) for b in released],
            actor=actor,
            action="booking.cancel",
        )
        for _delegation_id, bookings in groupby(released, key=lambda b: b.member.delegation_id):
            _email_focal_points(session, list(bookings), reason=reason)
    return released


def _email_focal_points(session, bookings, *, reason):
    delegation = bookings[0].member.delegation
    members = [booking.member for booking in bookings]
    for recipient in focal_point_emails(delegation=delegation):
        email_queue(
            to=recipient,
            dedupe_key=f"programme:session:{session.pk}:cancelled:{delegation.pk}:{recipient}",
            template="programme_session_cancelled",
            context={"session": session, "delegation": delegation, "members": members, "reason": reason},
            language=delegation.language,
        )
