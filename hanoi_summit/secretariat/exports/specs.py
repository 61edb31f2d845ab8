"""What each CSV and XLSX export contains: delegations, members, bookings, badges and scans.

Each export is an `ExportSpec`: a permission, an N+1-free queryset, the filters it accepts
(see exports.filters) and its columns. The same specs serve the pages under
/dashboard/exports/ and the admin action of exports.actions; exports.writers writes them.

Passport numbers, passport expiry and dates of birth appear only for users holding
delegations.view_passport; everyone else gets the masked number and empty dates.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Count
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from accreditation.models import AccreditationStatus, Badge, Direction, Scan, ScanReason, ScanResult
from delegations.models import (
    VIEW_PASSPORT,
    Delegation,
    DelegationKind,
    DelegationStatus,
    Member,
    MemberRole,
    ProtocolRank,
)
from hanoi_summit.secretariat.exports.filters import (
    Filter,
    choice_filters,
    date_filters,
    id_filter,
    read_boolean,
    read_yes_no_set,
)
from sessions.models import Booking, BookingStatus, SessionKind

FORMATS = ("csv", "xlsx")
PASSPORT_PERMISSION = VIEW_PASSPORT


@dataclass(frozen=True)
class Column:
    header: object
    value: object
    #: Personal data shown only with PASSPORT_PERMISSION; `masked` gives what others see.
    restricted: bool = False
    masked: object = None


@dataclass(frozen=True)
class ExportSpec:
    kind: str
    title: object
    permission: str
    queryset: object
    filters: tuple
    columns: tuple
    search: tuple = field(default=())

    def columns_for(self, user):
        if user.has_perm(PASSPORT_PERMISSION):
            return [(c.header, c.value) for c in self.columns]
        return [(c.header, c.masked or _blank) if c.restricted else (c.header, c.value) for c in self.columns]


def _blank(obj):
    return ""


# --- labels of choices -----------------------------------------------------------------


@lru_cache(maxsize=128)
def _choice_labels(model, name, language):
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


def _display(obj, name):
    """The label of a choice, as get_FOO_display() gives it, but translated once per export
    rather than once per cell (get_FOO_display translates every choice on each call)."""
    value = getattr(obj, name)
    return _choice_labels(type(obj), name, translation.get_language()).get(value, value)


# --- the five exports -------------------------------------------------------------------


def _delegations():
    return Delegation.objects.annotate(n_members=Count("members")).order_by("name")


def _members():
    return Member.objects.select_related("delegation", "accreditation__category").order_by(
        "delegation__name", "protocol_rank", "family_name", "given_names", "id"
    )


def _accreditation(member):
    # The reverse one-to-one raises when the member has none; select_related caches both.
    return getattr(member, "accreditation", None)


def _bookings():
    return Booking.objects.select_related("session", "member__delegation").order_by(
        "session__starts_at", "session__title", "created_at", "id"
    )


def _badges():
    return Badge.objects.select_related(
        "accreditation__member__delegation", "category", "print_batch"
    ).order_by("number", "version")


def _scans():
    return Scan.objects.select_related(
        "zone", "badge__accreditation__member__delegation", "officer"
    ).order_by("-scanned_at", "-id")


def _badge_holder(badge):
    return badge.accreditation.member if badge else None


EXPORTS = {
    spec.kind: spec
    for spec in (
        ExportSpec(
            kind="delegations",
            title=gettext_lazy("Delegations"),
            permission="delegations.view_delegation",
            queryset=_delegations,
            filters=(
                *choice_filters("status", "status", DelegationStatus),
                *choice_filters("kind", "kind", DelegationKind),
                Filter(("country", "country__exact"), "country", lambda name, raw: raw.upper()),
            ),
            search=("name", "acronym", "code", "contact_email"),
            columns=(
                Column(gettext_lazy("Code"), lambda d: d.code),
                Column(gettext_lazy("Name"), lambda d: d.name),
                Column(gettext_lazy("Acronym"), lambda d: d.acronym),
                Column(gettext_lazy("Kind"), lambda d: _display(d, "kind")),
                Column(gettext_lazy("Country"), lambda d: d.country.code),
                Column(gettext_lazy("Status"), lambda d: _display(d, "status")),
                Column(gettext_lazy("Badge quota"), lambda d: d.badge_quota),
                Column(gettext_lazy("Members"), lambda d: d.n_members),
                Column(gettext_lazy("Ministry"), lambda d: d.ministry),
                Column(gettext_lazy("Mission or embassy"), lambda d: d.mission),
                Column(gettext_lazy("Contact e-mail"), lambda d: d.contact_email),
                Column(gettext_lazy("Contact phone"), lambda d: d.contact_phone),
            ),
        ),
        ExportSpec(
            kind="members",
            title=gettext_lazy("Members"),
            permission="delegations.view_member",
            queryset=_members,
            filters=(
                id_filter("delegation", "delegation"),
                *choice_filters("kind", "delegation__kind", DelegationKind),
                *choice_filters("role", "role", MemberRole),
                *choice_filters("protocol_rank", "protocol_rank", ProtocolRank),
                Filter(("is_locked", "is_locked__exact"), "is_locked", read_boolean),
                *choice_filters("status", "accreditation__status", AccreditationStatus),
                id_filter("category", "accreditation__category"),
            ),
            search=("family_name", "given_names", "badge_name", "delegation__name", "delegation__code"),
            columns=(
                Column(gettext_lazy("Delegation"), lambda m: m.delegation.name),
                Column(gettext_lazy("Title"), lambda m: m.title),
                Column(gettext_lazy("Family name"), lambda m: m.family_name),
                Column(gettext_lazy("Given names"), lambda m: m.given_names),
                Column(gettext_lazy("Name on the badge"), lambda m: m.badge_name),
                Column(gettext_lazy("Function"), lambda m: m.function),
                Column(gettext_lazy("Role"), lambda m: _display(m, "role")),
                Column(gettext_lazy("Protocol rank"), lambda m: _display(m, "protocol_rank")),
                Column(gettext_lazy("Gender"), lambda m: _display(m, "gender") if m.gender else ""),
                Column(gettext_lazy("Nationality"), lambda m: m.nationality.code),
                Column(gettext_lazy("Date of birth"), lambda m: m.date_of_birth, restricted=True),
                Column(
                    gettext_lazy("Passport number"),
                    lambda m: m.passport_number,
                    restricted=True,
                    masked=lambda m: m.masked_passport,
                ),
                Column(gettext_lazy("Passport expiry"), lambda m: m.passport_expiry, restricted=True),
                Column(gettext_lazy("E-mail"), lambda m: m.email),
                Column(gettext_lazy("Phone"), lambda m: m.phone),
                Column(
                    gettext_lazy("Accreditation"),
                    lambda m: _display(_accreditation(m), "status") if _accreditation(m) else "",
                ),
                Column(
                    gettext_lazy("Category"),
                    lambda m: (
                        _accreditation(m).category.code
                        if _accreditation(m) and _accreditation(m).category
                        else ""
                    ),
                ),
                Column(gettext_lazy("Arrival"), lambda m: m.arrival),
                Column(gettext_lazy("Departure"), lambda m: m.departure),
                Column(gettext_lazy("Dietary needs"), lambda m: m.dietary_needs),
                Column(gettext_lazy("Accessibility needs"), lambda m: m.accessibility_needs),
            ),
        ),
        ExportSpec(
            kind="bookings",
            title=gettext_lazy("Bookings"),
            permission="programme.view_booking",
            queryset=_bookings,
            filters=(
                *choice_filters("status", "status", BookingStatus),
                id_filter("session", "session"),
                *choice_filters("session_kind", "session__kind", SessionKind),
                id_filter("delegation", "member__delegation"),
            ),
            search=("member__family_name", "member__badge_name", "session__title"),
            columns=(
                Column(gettext_lazy("Session"), lambda b: b.session.title),
                Column(gettext_lazy("Starts at"), lambda b: b.session.starts_at),
                Column(gettext_lazy("Session kind"), lambda b: _display(b.session, "kind")),
                Column(gettext_lazy("Delegation"), lambda b: b.member.delegation.name),
                Column(gettext_lazy("Member"), lambda b: b.member.display_name),
                Column(gettext_lazy("Status"), lambda b: _display(b, "status")),
                Column(gettext_lazy("Booked at"), lambda b: b.created_at),
            ),
        ),
        ExportSpec(
            kind="badges",
            title=gettext_lazy("Badges"),
            permission="accreditation.view_badge",
            queryset=_badges,
            filters=(
                id_filter("category", "category"),
                Filter(("printed",), "printed_at__isnull", read_yes_no_set),
                Filter(("collected",), "collected_at__isnull", read_yes_no_set),
                Filter(("revoked",), "revoked_at__isnull", read_yes_no_set),
                *choice_filters("kind", "accreditation__member__delegation__kind", DelegationKind),
                id_filter("delegation", "accreditation__member__delegation"),
                *date_filters("issued_at"),
            ),
            search=("accreditation__member__family_name", "accreditation__member__badge_name"),
            columns=(
                Column(gettext_lazy("Number"), lambda b: b.number),
                Column(gettext_lazy("Version"), lambda b: b.version),
                Column(gettext_lazy("Delegation"), lambda b: b.accreditation.member.delegation.name),
                Column(gettext_lazy("Member"), lambda b: b.accreditation.member.display_name),
                Column(gettext_lazy("Category"), lambda b: b.category.code),
                Column(gettext_lazy("Zones"), lambda b: b.zone_codes),
                Column(gettext_lazy("Valid from"), lambda b: b.valid_from),
                Column(gettext_lazy("Valid until"), lambda b: b.valid_until),
                Column(gettext_lazy("Issued at"), lambda b: b.issued_at),
                Column(gettext_lazy("Printed at"), lambda b: b.printed_at),
                Column(gettext_lazy("Print batch"), lambda b: b.print_batch_id or ""),
                Column(gettext_lazy("Collected at"), lambda b: b.collected_at),
                Column(gettext_lazy("Revoked at"), lambda b: b.revoked_at),
                Column(gettext_lazy("Revocation reason"), lambda b: b.revoked_reason),
            ),
        ),
        ExportSpec(
            kind="scans",
            title=gettext_lazy("Scans"),
            permission="accreditation.view_scan",
            queryset=_scans,
            filters=(
                id_filter("zone", "zone"),
                *choice_filters("direction", "direction", Direction),
                *choice_filters("result", "result", ScanResult),
                *choice_filters("reason", "reason", ScanReason),
                id_filter("delegation", "badge__accreditation__member__delegation"),
                *date_filters("scanned_at"),
            ),
            search=("badge__accreditation__member__family_name", "badge__accreditation__member__badge_name"),
            columns=(
                Column(gettext_lazy("Scanned at"), lambda s: s.scanned_at),
                Column(gettext_lazy("Zone"), lambda s: s.zone.code),
                Column(gettext_lazy("Direction"), lambda s: _display(s, "direction")),
                Column(gettext_lazy("Result"), lambda s: _display(s, "result")),
                Column(gettext_lazy("Reason"), lambda s: _display(s, "reason")),
                Column(gettext_lazy("Badge"), lambda s: str(s.badge) if s.badge else s.code_excerpt),
                Column(
                    gettext_lazy("Member"), lambda s: _badge_holder(s.badge).display_name if s.badge else ""
                ),
                Column(
                    gettext_lazy("Delegation"),
                    lambda s: _badge_holder(s.badge).delegation.name if s.badge else "",
                ),
                Column(gettext_lazy("Device"), lambda s: s.device),
                Column(gettext_lazy("Officer"), lambda s: s.officer.get_username() if s.officer else ""),
            ),
        ),
    )
}


def available_exports(user):
    """[(spec, csv url, xlsx url)] for the exports `user` may download."""
    return [
        (
            spec,
            reverse("dashboard:export", kwargs={"kind": spec.kind, "fmt": "csv"}),
            reverse("dashboard:export", kwargs={"kind": spec.kind, "fmt": "xlsx"}),
        )
        for spec in EXPORTS.values()
        if user.has_perm(spec.permission)
    ]
