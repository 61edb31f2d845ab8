"""The programme: venues and rooms, sessions, roles, bookings, speakers' list, gala, signing."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accreditation.models import Zone
from delegations.models import Delegation, Document, Member, ProtocolRank


class Venue(models.Model):
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self):
        return self.name


class Room(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=120)
    capacity = models.PositiveIntegerField(_("capacity"))
    #: The accreditation zone a gate controls to enter this room.
    zone = models.ForeignKey(Zone, null=True, blank=True, on_delete=models.SET_NULL, related_name="rooms")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["venue", "name"], name="room_name_unique_in_venue")]

    def __str__(self):
        return self.name


class SessionKind(models.TextChoices):
    WELCOME = "welcome", _("Welcome and group photo")
    OPENING = "opening", _("Opening session")
    SIGNING_CEREMONY = "signing_ceremony", _("Signing ceremony")
    PLENARY = "plenary", _("Plenary")
    HIGH_LEVEL_DIALOGUE = "high_level_dialogue", _("High-level dialogue")
    ROUNDTABLE = "roundtable", _("Roundtable")
    SIDE_EVENT = "side_event", _("Side event")
    PRESS_CONFERENCE = "press_conference", _("Press conference")
    GALA_DINNER = "gala_dinner", _("Gala dinner")
    EXHIBITION = "exhibition", _("Exhibition")
    CLOSING = "closing", _("Closing session")


class BookingMode(models.TextChoices):
    NONE = "none", _("No booking")
    OPEN = "open", _("Open for booking")
    INVITATION = "invitation", _("By invitation")


class Session(models.Model):
    """One programme item."""

    #: Stable identity for calendars (the iCalendar UID): never changes once created.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    #: Stable key used by seed_summit to find the item again.
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=SessionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="sessions")
    #: Seats; empty means the room's capacity.
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    #: Most confirmed seats one delegation may hold ("principal plus one" = 2); empty: no cap.
    per_delegation_cap = models.PositiveSmallIntegerField(_("seats per delegation"), null=True, blank=True)
    booking_mode = models.CharField(
        _("booking"), max_length=10, choices=BookingMode.choices, default=BookingMode.NONE
    )
    is_public = models.BooleanField(_("on the public programme"), default=True)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    speakers_list_closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "room__sort_order", "title"]
        indexes = [models.Index(fields=["starts_at"]), models.Index(fields=["kind", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in SessionKind]), name="session_kind_valid"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def seats(self):
        return self.capacity if self.capacity is not None else self.room.capacity


class SessionRoleKind(models.TextChoices):
    CHAIR = "chair", _("Chair")
    CO_CHAIR = "co_chair", _("Co-chair")
    MODERATOR = "moderator", _("Moderator")
    SPEAKER = "speaker", _("Speaker")
    PANELLIST = "panellist", _("Panellist")


class SessionRole(models.Model):
    """A person chairing or speaking at a session: a registered member, or a named guest."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=10, choices=SessionRoleKind.choices)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.CASCADE, related_name="session_roles"
    )
    #: Display name when the person is not a registered member ("António Guterres").
    name = models.CharField(_("name"), max_length=200, blank=True)
    affiliation = models.CharField(_("title and affiliation"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("session role")
        verbose_name_plural = _("session roles")
        ordering = ["session", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False) | ~Q(name=""), name="sessionrole_has_person"
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.display_name}"

    @property
    def display_name(self):
        return self.name or (self.member.display_name if self.member_id else "")


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_BOOKING_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.WAITLISTED)


class Booking(models.Model):
    """A member's seat (or place in the queue) at a session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="bookings")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="bookings")
    status = models.CharField(max_length=10, choices=BookingStatus.choices)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["session", "created_at", "id"]
        indexes = [models.Index(fields=["session", "status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"],
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="booking_one_active_per_member",
            ),
        ]

    def __str__(self):
        return f"{self.member} @ {self.session} ({self.status})"


class SpeakerRequest(models.Model):
    """A delegation's request to speak in the plenary."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        SPOKEN = "spoken", _("Spoken")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="speaker_requests")
    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="speaker_requests")
    speaker = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="speaker_requests")
    #: Level of representation when requested; orders the list.
    level = models.PositiveSmallIntegerField(choices=ProtocolRank.choices)
    requested_at = models.DateTimeField(auto_now_add=True)
    #: Manual position set by protocol; overrides the computed order when set.
    position = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)

    class Meta:
        verbose_name = _("speaker request")
        verbose_name_plural = _("speakers' list")
        ordering = ["session", "position", "level", "requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "delegation"],
                condition=~Q(status="withdrawn"),
                name="speakerrequest_one_per_delegation",
            ),
        ]

    def __str__(self):
        return f"{self.delegation}: {self.speaker}"


class GalaInvitation(models.Model):
    """A head of delegation's invitation to the gala dinner, and their answer."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="gala_invitations")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="gala_invitations")
    guest_allowed = models.BooleanField(default=False)
    guest_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    dietary_needs = models.CharField(max_length=200, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("gala invitation")
        verbose_name_plural = _("gala invitations")
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="gala_one_invitation")]

    def __str__(self):
        return f"{self.member} ({self.status})"


class SigningBasis(models.TextChoices):
    HEAD_OF_STATE = "head_of_state", _("Head of State")
    HEAD_OF_GOVERNMENT = "head_of_government", _("Head of Government")
    FOREIGN_MINISTER = "foreign_minister", _("Minister for Foreign Affairs")
    FULL_POWERS = "full_powers", _("Full powers")


#: These sign by virtue of their office; anyone else needs full powers.
NO_FULL_POWERS_NEEDED = (
    SigningBasis.HEAD_OF_STATE,
    SigningBasis.HEAD_OF_GOVERNMENT,
    SigningBasis.FOREIGN_MINISTER,
)


class FullPowersStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", _("Not required")
    AWAITED = "awaited", _("Awaited")
    RECEIVED = "received", _("Received")
    VERIFIED = "verified", _("Verified")
    REFUSED = "refused", _("Refused")


class Signature(models.Model):
    """A State's (or the EU's) signature of the Convention at the ceremony."""

    delegation = models.OneToOneField(Delegation, on_delete=models.CASCADE, related_name="signature")
    intends_to_sign = models.BooleanField(default=True)
    signatory = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="signatures"
    )
    basis = models.CharField(max_length=20, choices=SigningBasis.choices, blank=True)
    full_powers_status = models.CharField(
        max_length=14, choices=FullPowersStatus.choices, default=FullPowersStatus.NOT_REQUIRED
    )
    full_powers = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    full_powers_note = models.TextField(blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    slot_order = models.PositiveSmallIntegerField(null=True, blank=True)
    slot_starts_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        permissions = [
            ("verify_full_powers", "Can verify or refuse full powers"),
            ("manage_signing", "Can order the signing ceremony and record signatures"),
        ]
        ordering = ["slot_order", "confirmed_at"]
        constraints = [
            # Nobody whose full powers are required and not verified gets a slot.
            models.CheckConstraint(
                condition=Q(slot_order__isnull=True)
                | ~Q(basis="full_powers")
                | Q(full_powers_status="verified"),
                name="signature_slot_needs_verified_powers",
            ),
        ]

    def __str__(self):
        return f"{self.delegation} ({self.signatory})"
