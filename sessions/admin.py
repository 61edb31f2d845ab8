"""Admin for the programme: venues, rooms, sessions with their chairs and speakers, bookings,
the speakers' list, the gala dinner and the signing ceremony.

Seats, the waitlist, full-powers verification and signing slots follow rules kept in the
programme services; here their state is shown, not edited. A session is cancelled on its
own page, by the service that releases its bookings and tells the delegations.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from delegations.admin import MemberNameSearch
from hanoi_summit.core.admin import ReadOnlyAdmin, choice_pill, date_set_filter, status_pill
from sessions import services
from sessions.errors import ProgrammeError
from sessions.models import (
    ACTIVE_BOOKING_STATUSES,
    Booking,
    BookingStatus,
    FullPowersStatus,
    GalaInvitation,
    Room,
    Session,
    SessionRole,
    Signature,
    SpeakerRequest,
    Venue,
)


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0
    fields = ["name", "capacity", "zone", "sort_order"]


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "room_count"]
    search_fields = ["name", "address"]
    inlines = [RoomInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(room_count=Count("rooms"))

    @admin.display(description=_("rooms"), ordering="room_count")
    def room_count(self, venue):
        return venue.room_count


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "venue", "capacity", "zone", "sort_order"]
    list_editable = ["sort_order"]
    list_filter = ["venue", "zone"]
    search_fields = ["name", "venue__name"]
    list_select_related = ["venue", "zone"]


class DayFilter(admin.SimpleListFilter):
    """Filter by day of the event, in the event's time zone."""

    title = _("day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        days = Session.objects.dates("starts_at", "day")
        return [(day.isoformat(), formats.date_format(day, "D j M Y")) for day in days]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(starts_at__date=self.value())
        return queryset


class SessionRoleInline(admin.TabularInline):
    model = SessionRole
    extra = 0
    fields = ["role", "member", "name", "affiliation", "sort_order"]
    raw_id_fields = ["member"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "when", "room", "seats_display", "booking_mode", "state"]
    list_filter = ["kind", DayFilter, "room", "booking_mode", "is_public", "is_cancelled"]
    search_fields = ["title", "theme", "slug"]
    date_hierarchy = "starts_at"
    list_select_related = ["room"]
    prepopulated_fields = {"slug": ["title"]}
    # is_cancelled: cancelling is a service (session_cancel), on the page cancel_link opens.
    readonly_fields = ["uid", "speakers_list_closed_at", "created_at", "updated_at", "cancelled"]
    inlines = [SessionRoleInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "theme", "description"]}),
        (_("When and where"), {"fields": ["starts_at", "ends_at", "room"]}),
        (
            _("Seats"),
            {"fields": ["capacity", "per_delegation_cap", "booking_mode", "is_public", "cancelled"]},
        ),
        (_("Record"), {"fields": ["uid", "speakers_list_closed_at", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        # A subquery rather than a join with GROUP BY: the changelist's COUNT(*) then drops it.
        confirmed = (
            Booking.objects.filter(session=OuterRef("pk"), status=BookingStatus.CONFIRMED)
            .order_by()
            .values("session")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(confirmed_count=Coalesce(Subquery(confirmed), 0))

    @admin.display(description=_("cancelled"))
    def cancelled(self, session):
        if session.is_cancelled:
            return status_pill(_("Cancelled"), "danger")
        if session.pk is None:
            return "-"
        url = reverse(f"{self.admin_site.name}:programme_session_cancel", args=[session.pk])
        return format_html('<a class="deletelink" href="{}">{}</a>', url, gettext("Cancel this session"))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:session_id>/cancel/", view(self.cancel_view), name="programme_session_cancel"),
            *super().get_urls(),
        ]

    def cancel_view(self, request, session_id):
        """Confirm, then cancel through the service: bookings released, focal points told."""
        session = get_object_or_404(Session, pk=session_id)
        if not self.has_change_permission(request, session):
            raise PermissionDenied
        change_url = reverse(f"{self.admin_site.name}:programme_session_change", args=[session.pk])
        if request.method == "POST":
            try:
                released = services.session_cancel(
                    session=session, actor=request.user, reason=request.POST.get("reason", "")
                )
            except ProgrammeError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                n = len(released)
                self.message_user(
                    request,
                    ngettext(
                        "The session is cancelled; %(n)d booking released, its delegation told.",
                        "The session is cancelled; %(n)d bookings released, their delegations told.",
                        n,
                    )
                    % {"n": n},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(change_url)
        booked = session.bookings.filter(status__in=ACTIVE_BOOKING_STATUSES)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Cancel a session"),
            "session": session,
            "booked": booked.count(),
            "delegations": booked.values("member__delegation").distinct().count(),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/programme/session/cancel.html", context)

    @admin.display(description=_("when"), ordering="starts_at")
    def when(self, session):
        start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        return format_html(
            "{}<br><small>{}-{}</small>",
            formats.date_format(start, "D j M"),
            f"{start:%H:%M}",
            f"{end:%H:%M}",
        )

    @admin.display(description=_("state"))
    def state(self, session):
        if session.is_cancelled:
            return status_pill(_("Cancelled"), "danger")
        if not session.is_public:
            return status_pill(_("Not public"), "secondary")
        return status_pill(_("Public"), "success")

    @admin.display(description=_("booked / seats"))
    def seats_display(self, session):
        return f"{session.confirmed_count} / {session.seats}"


@admin.register(SessionRole)
class SessionRoleAdmin(MemberNameSearch, admin.ModelAdmin):
    list_display = ["session", "role", "person", "affiliation", "sort_order"]
    list_filter = ["role", "session__kind"]
    # Members by name through MemberNameSearch (accent-insensitive); the rest Django's way.
    member_path = "member__"
    search_own_fields = True
    search_fields = ["name", "affiliation", "session__title"]
    list_select_related = ["session", "member"]
    raw_id_fields = ["session", "member"]

    @admin.display(description=_("person"))
    def person(self, role):
        return role.display_name


BOOKING_TONES = {
    BookingStatus.CONFIRMED: "success",
    BookingStatus.WAITLISTED: "warning",
    BookingStatus.DECLINED: "secondary",
    BookingStatus.CANCELLED: "secondary",
}


@admin.register(Booking)
class BookingAdmin(MemberNameSearch, ReadOnlyAdmin):
    """Bookings are made in the portal: capacity and the waitlist are the booking service's."""

    # No second COUNT(*) over the whole table just for "N total": this table grows large.
    show_full_result_count = False
    list_display = ["member", "delegation", "session", "status_display", "created_at", "booked_by"]
    list_filter = ["status", "session__kind", "session", ("created_at", admin.DateFieldListFilter)]
    # Members by name (and delegation) through MemberNameSearch, accent-insensitive; the
    # session's title Django's way.
    member_path = "member__"
    search_own_fields = True
    search_fields = ["session__title"]
    list_select_related = ["member__delegation", "session", "booked_by"]
    ordering = ["-pk"]

    @admin.display(description=_("delegation"), ordering="member__delegation__name")
    def delegation(self, booking):
        return booking.member.delegation

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, booking):
        return choice_pill(BookingStatus, booking.status, BOOKING_TONES)


@admin.register(SpeakerRequest)
class SpeakerRequestAdmin(MemberNameSearch, ReadOnlyAdmin):
    """Requests come from the portal; protocol orders the list on its own pages."""

    list_display = ["session", "position", "delegation", "speaker", "level", "status", "requested_at"]
    list_filter = ["status", "level", "session"]
    # Speakers by name through MemberNameSearch (accent-insensitive); the rest Django's way.
    member_path = "speaker__"
    search_own_fields = True
    search_fields = ["delegation__name", "session__title"]
    list_select_related = ["session", "delegation", "speaker"]


GALA_TONES = {
    GalaInvitation.Status.INVITED: "warning",
    GalaInvitation.Status.ACCEPTED: "success",
    GalaInvitation.Status.DECLINED: "secondary",
}


@admin.register(GalaInvitation)
class GalaInvitationAdmin(MemberNameSearch, ReadOnlyAdmin):
    """Invitations go to heads of delegation from the protocol pages; they answer in the portal."""

    list_display = ["member", "delegation", "status_display", "guest_allowed", "guest_name", "responded_at"]
    list_filter = ["status", "guest_allowed", "member__delegation__kind"]
    # Members by name through MemberNameSearch (accent-insensitive); the rest Django's way.
    member_path = "member__"
    search_own_fields = True
    search_fields = ["member__delegation__name", "guest_name"]
    list_select_related = ["member__delegation"]

    @admin.display(description=_("delegation"), ordering="member__delegation__name")
    def delegation(self, invitation):
        return invitation.member.delegation

    @admin.display(description=_("answer"), ordering="status")
    def status_display(self, invitation):
        return choice_pill(GalaInvitation.Status, invitation.status, GALA_TONES)


FULL_POWERS_TONES = {
    FullPowersStatus.NOT_REQUIRED: "secondary",
    FullPowersStatus.AWAITED: "warning",
    FullPowersStatus.RECEIVED: "info",
    FullPowersStatus.VERIFIED: "success",
    FullPowersStatus.REFUSED: "danger",
}


@admin.register(Signature)
class SignatureAdmin(MemberNameSearch, ReadOnlyAdmin):
    """Signatories are declared in the portal; full powers are verified, slots given and
    signatures recorded on the protocol pages, by services that enforce that nobody signs
    without verified full powers."""

    list_display = [
        "slot_order",
        "delegation",
        "signatory",
        "basis",
        "full_powers_display",
        "slot_starts_at",
        "signed_at",
        "intends_to_sign",
    ]
    list_display_links = ["delegation"]
    list_filter = [
        "full_powers_status",
        "basis",
        "intends_to_sign",
        date_set_filter("signed_at", _("signed")),
    ]
    # Signatories by name through MemberNameSearch (accent-insensitive); the rest Django's way.
    member_path = "signatory__"
    search_own_fields = True
    search_fields = ["delegation__name", "delegation__code"]
    list_select_related = ["delegation", "signatory"]
    ordering = ["slot_order", "delegation__name"]

    @admin.display(description=_("full powers"), ordering="full_powers_status")
    def full_powers_display(self, signature):
        return choice_pill(FullPowersStatus, signature.full_powers_status, FULL_POWERS_TONES)
