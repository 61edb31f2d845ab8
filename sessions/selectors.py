"""Reads of the programme: scoped, N+1-free querysets."""

import datetime as dt

from django.db.models import Case, Count, F, Prefetch, Q, When

from delegations.models import SIGNATORY_KINDS, DelegationKind
from hanoi_summit.core.clock import HANOI
from sessions.models import (
    Booking,
    BookingMode,
    BookingStatus,
    GalaInvitation,
    Room,
    Session,
    SessionKind,
    SessionRole,
    Signature,
    SpeakerRequest,
)

_ROLES = Prefetch("roles", queryset=SessionRole.objects.select_related("member").order_by("sort_order", "id"))


def public_sessions(*, day=None, kind=None, room=None):
    """Public programme items with room, venue and roles, in time order.

    `day` is a date in Hanoi time; `kind` a SessionKind value; `room` a Room id.
    Cancelled items stay listed (struck through on the page, STATUS:CANCELLED in iCalendar)
    so nobody wonders where they went.
    """
    sessions = Session.objects.filter(is_public=True).select_related("room__venue").prefetch_related(_ROLES)
    if day is not None:
        start = dt.datetime.combine(day, dt.time.min, tzinfo=HANOI)
        sessions = sessions.filter(starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))
    if kind:
        sessions = sessions.filter(kind=kind)
    if room:
        sessions = sessions.filter(room_id=room)
    return sessions.order_by("starts_at", "room__sort_order", "title")


def public_rooms():
    """Rooms that hold at least one public item, for the programme's room filter."""
    return Room.objects.filter(sessions__is_public=True).distinct().order_by("sort_order", "name")


def bookable_sessions(*, now):
    """Sessions a focal point may book now, with their confirmed seat count."""
    return (
        Session.objects.filter(booking_mode=BookingMode.OPEN, is_cancelled=False, starts_at__gt=now)
        .select_related("room")
        .annotate(confirmed_count=Count("bookings", filter=Q(bookings__status=BookingStatus.CONFIRMED)))
        .order_by("starts_at", "title")
    )


def delegation_bookings(*, delegation):
    """A delegation's bookings, whatever their status, in the order of the sessions."""
    return (
        Booking.objects.filter(member__delegation=delegation)
        .select_related("member", "session__room")
        .order_by("session__starts_at", "member__family_name", "id")
    )


def member_agenda_sessions(*, member):
    """What a member attends: confirmed bookings, sessions where they have a role, the gala
    if accepted, and the signing ceremony if they sign."""
    attending = (
        Q(bookings__member=member, bookings__status=BookingStatus.CONFIRMED)
        | Q(roles__member=member)
        | Q(gala_invitations__member=member, gala_invitations__status=GalaInvitation.Status.ACCEPTED)
    )
    if Signature.objects.filter(signatory=member, intends_to_sign=True).exists():
        attending |= Q(kind=SessionKind.SIGNING_CEREMONY)
    ids = Session.objects.filter(attending).values("pk")
    return Session.objects.filter(pk__in=ids).select_related("room__venue").order_by("starts_at")


def speakers_list(*, session):
    """The speakers' list in speaking order: protocol's manual positions first, then by
    level of representation, then by time of request."""
    return (
        SpeakerRequest.objects.filter(session=session)
        .exclude(status=SpeakerRequest.Status.WITHDRAWN)
        .select_related("delegation", "speaker")
        .order_by(F("position").asc(nulls_last=True), "level", "requested_at", "id")
    )


def plenary_sessions():
    return Session.objects.filter(kind=SessionKind.PLENARY, is_cancelled=False).select_related("room")


def public_plenary_sessions():
    return plenary_sessions().filter(is_public=True)


def plenaries_taking_requests():
    """Plenaries whose speakers' list is still open to requests from delegations."""
    return plenary_sessions().filter(speakers_list_closed_at__isnull=True)


def delegation_speaker_requests(*, delegation):
    return (
        SpeakerRequest.objects.filter(delegation=delegation)
        .select_related("session", "speaker")
        .order_by("session__starts_at", "id")
    )


def gala_session():
    return Session.objects.filter(kind=SessionKind.GALA_DINNER).select_related("room").first()


def gala_guest_list(*, session):
    """Accepted guests in order of precedence: the host country's head first, then by
    level of representation, then by delegation name."""
    host_first = Q(member__delegation__kind=DelegationKind.HOST_COUNTRY)
    return (
        GalaInvitation.objects.filter(session=session, status=GalaInvitation.Status.ACCEPTED)
        .select_related("member__delegation")
        .order_by(
            Case(When(host_first, then=0), default=1),
            "member__protocol_rank",
            "member__delegation__name",
            "member__family_name",
        )
    )


def gala_seats_taken(*, session, excluding=None):
    """Seats held at the gala: one per accepted head, one more for each named guest.
    `excluding` leaves out one invitation, whose answer is being changed."""
    accepted = GalaInvitation.objects.filter(session=session, status=GalaInvitation.Status.ACCEPTED)
    if excluding is not None:
        accepted = accepted.exclude(pk=excluding.pk)
    counts = accepted.aggregate(people=Count("pk"), guests=Count("pk", filter=~Q(guest_name="")))
    return counts["people"] + counts["guests"]


def gala_invitations(*, session):
    return (
        GalaInvitation.objects.filter(session=session)
        .select_related("member__delegation")
        .order_by("member__protocol_rank", "member__delegation__name")
    )


def delegation_gala_invitations(*, delegation):
    return (
        GalaInvitation.objects.filter(member__delegation=delegation)
        .select_related("member", "session")
        .order_by("session__starts_at")
    )


def signing_ceremony():
    return (
        Session.objects.filter(kind=SessionKind.SIGNING_CEREMONY)
        .select_related("room")
        .order_by("starts_at")
        .first()
    )


def delegation_signature(*, delegation):
    """The delegation's declaration with its signatory and full powers, or None."""
    return Signature.objects.select_related("signatory", "full_powers").filter(delegation=delegation).first()


def signatures():
    """Every declared signature, in signing order (slotted first), for protocol."""
    return (
        Signature.objects.filter(delegation__kind__in=SIGNATORY_KINDS)
        .select_related("delegation", "signatory", "full_powers")
        .order_by(F("slot_order").asc(nulls_last=True), "confirmed_at", "id")
    )


def signed_signatures():
    return (
        Signature.objects.filter(signed_at__isnull=False)
        .select_related("delegation", "signatory")
        .order_by("signed_at", "id")
    )


def signatories_count():
    """How many States and organisations have signed at the ceremony so far (the dashboard's
    and the public page's "N signatories")."""
    return Signature.objects.filter(signed_at__isnull=False).count()
