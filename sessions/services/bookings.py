"""Bookings: a member's seat at a session, capacity held by a row lock, waitlist promotion."""

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from hanoi_summit.core.audit import audit_record
from hanoi_summit.core.clock import event_now
from hanoi_summit.core.outbox.queue import email_queue
from sessions import ical
from sessions.errors import ProgrammeError
from sessions.models import ACTIVE_BOOKING_STATUSES, Booking, BookingMode, BookingStatus, Session


def _check_bookable(session, *, now):
    if session.is_cancelled:
        raise ProgrammeError(_("This session has been cancelled."), code="session_cancelled")
    if session.booking_mode != BookingMode.OPEN:
        raise ProgrammeError(_("This session is not open for booking."), code="booking_not_open")
    if session.starts_at <= now:
        raise ProgrammeError(_("This session has already started or is over."), code="session_past")


def _overlapping_confirmed(member, session):
    return (
        Booking.objects.filter(
            member=member,
            status=BookingStatus.CONFIRMED,
            session__starts_at__lt=session.ends_at,
            session__ends_at__gt=session.starts_at,
        )
        .exclude(session=session)
        .exists()
    )


def lock_session(session):
    """The session, with its room and venue, its row locked until the transaction ends: the
    bookings and cancellations of one session queue up here, so seats are counted by one
    transaction at a time and never overbooked."""
    return Session.objects.select_related("room__venue").select_for_update(of=("self",)).get(pk=session.pk)


def _email_confirmation(booking, *, template):
    """Queue the confirmation (or promotion) e-mail with the session as an .ics attachment."""
    member = booking.member
    recipient = member.email or (booking.booked_by.email if booking.booked_by else "")
    if not recipient:
        return
    session = booking.session
    email_queue(
        to=recipient,
        dedupe_key=f"programme:booking:{booking.pk}:confirmed",
        template=template,
        context={"booking": booking, "member": member, "session": session},
        language=member.language,
        attachments=[
            {
                "filename": f"{session.slug}.ics",
                "mimetype": "text/calendar",
                "content": ical.calendar([session], name=session.title, method="PUBLISH"),
            }
        ],
    )


def _email_waitlisted(booking):
    member = booking.member
    recipient = member.email or (booking.booked_by.email if booking.booked_by else "")
    if recipient:
        email_queue(
            to=recipient,
            dedupe_key=f"programme:booking:{booking.pk}:waitlisted",
            template="programme_booking_waitlisted",
            context={"booking": booking, "member": member, "session": booking.session},
            language=member.language,
        )


def booking_request(*, session, member, delegation, actor, now=None):
    """Book `member` of `delegation` into `session`: confirmed if a seat is free, else waitlisted.

    The session row is locked (see lock_session) while seats are counted, so parallel
    requests queue up behind each other and never overbook.
    Side effects: one Booking row; an audit entry; an e-mail (confirmation with an .ics
    attachment, or waitlist notice) to the member, or to the booking user if the member has
    no e-mail address.
    """
    now = now or event_now()
    if member.delegation_id != delegation.pk:
        raise ProgrammeError(
            _("This person is not a member of your delegation."), code="member_not_in_delegation"
        )
    with transaction.atomic():
        session = lock_session(session)
        _check_bookable(session, now=now)
        # One aggregate under the lock: the member's own booking, the delegation's places
        # and the confirmed seats.
        counts = Booking.objects.filter(session=session, status__in=ACTIVE_BOOKING_STATUSES).aggregate(
            mine=Count("pk", filter=Q(member=member)),
            ours=Count("pk", filter=Q(member__delegation=delegation)),
            confirmed=Count("pk", filter=Q(status=BookingStatus.CONFIRMED)),
        )
        if counts["mine"]:
            raise ProgrammeError(_("This member is already booked for this session."), code="already_booked")
        cap = session.per_delegation_cap
        if cap is not None and counts["ours"] >= cap:
            raise ProgrammeError(
                _("Your delegation already holds the %(cap)s places allowed for this session.")
                % {"cap": cap},
                code="delegation_cap_reached",
            )
        if _overlapping_confirmed(member, session):
            raise ProgrammeError(
                _("This member already has a confirmed booking at the same time."), code="booking_overlap"
            )
        status = BookingStatus.CONFIRMED if counts["confirmed"] < session.seats else BookingStatus.WAITLISTED
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    session=session, member=member, status=status, booked_by=actor
                )
        except IntegrityError as exc:
            raise ProgrammeError(
                _("This member is already booked for this session."), code="already_booked"
            ) from exc
        audit_record(actor=actor, action="booking.request", target=booking, after={"status": status})
        if status == BookingStatus.CONFIRMED:
            _email_confirmation(booking, template="programme_booking_confirmed")
        else:
            _email_waitlisted(booking)
    return booking


def _promote_first_waitlisted(session):
    """Give the freed seat to the first waitlisted member who has no clashing confirmed booking."""
    for candidate in (
        Booking.objects.filter(session=session, status=BookingStatus.WAITLISTED)
        .select_related("member", "booked_by")
        .order_by("created_at", "id")
    ):
        if _overlapping_confirmed(candidate.member, session):
            continue
        candidate.status = BookingStatus.CONFIRMED
        candidate.save(update_fields=["status", "updated_at"])
        candidate.session = session
        audit_record(
            actor=None,
            action="booking.promote",
            target=candidate,
            before={"status": BookingStatus.WAITLISTED},
            after={"status": BookingStatus.CONFIRMED},
        )
        _email_confirmation(candidate, template="programme_booking_promoted")
        return candidate
    return None


def booking_cancel(*, booking, delegation, actor):
    """Cancel an active booking of `delegation`; a freed seat goes at once, in the same
    transaction, to the first waitlisted member. Returns the promoted booking or None.

    Side effects: the booking becomes cancelled; maybe one promotion with its e-mail
    (with an .ics attachment); audit entries.
    """
    if booking.member.delegation_id != delegation.pk:
        raise ProgrammeError(_("This booking is not your delegation's."), code="not_your_booking")
    with transaction.atomic():
        session = lock_session(booking.session)
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status not in ACTIVE_BOOKING_STATUSES:
            raise ProgrammeError(_("This booking is already cancelled."), code="booking_not_active")
        was = booking.status
        booking.status = BookingStatus.CANCELLED
        booking.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="booking.cancel",
            target=booking,
            before={"status": was},
            after={"status": booking.status},
        )
        promoted = None
        if was == BookingStatus.CONFIRMED and not session.is_cancelled:
            promoted = _promote_first_waitlisted(session)
    return promoted
