"""CSV and XLSX exports of delegations, members, bookings, badges and scans.

Each export is an `ExportSpec`: a permission, an N+1-free queryset, the filters it accepts
(the admin changelists' query-string names, e.g. ``status__exact=approved``, and short
aliases such as ``status=approved``) and its columns. The same specs serve the pages under
/dashboard/exports/ and the admin action made by `export_action(kind, fmt)`.

Passport numbers, passport expiry and dates of birth appear only for users holding
delegations.view_passport; everyone else gets the masked number and empty dates.
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
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
from hanoi_summit.core import files
from hanoi_summit.core.api import MAX_ROW_ID
from sessions.models import Booking, BookingStatus, SessionKind

FORMATS = ("csv", "xlsx")
#: Query-string keys of the admin changelist that are not filters (ordering, page, popup...).
IGNORED_PARAMS = frozenset({"o", "p", "e", "all", "_changelist_filters", "_to_field", "_popup"})
PASSPORT_PERMISSION = VIEW_PASSPORT


class ExportFilterError(ValueError):
    """A filter the export does not know, or a value it cannot read."""


@dataclass(frozen=True)
class Filter:
    """One query-string filter: its accepted names, the ORM lookup and the value's reader."""

    names: tuple
    lookup: str
    parse: object


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


# --- value readers ----------------------------------------------------------------------


def _bounded_integer(low, high):
    """A whole number within what the database and the query can hold."""

    def parse(name, raw):
        try:
            value = int(raw)
        except ValueError:
            raise ExportFilterError(_("%(name)s must be a number.") % {"name": name}) from None
        if not low <= value <= high:
            raise ExportFilterError(
                _("%(name)s must be between %(low)s and %(high)s.") % {"name": name, "low": low, "high": high}
            )
        return value

    return parse


#: Row ids (64-bit columns) and the parts of a date.
_integer = _bounded_integer(1, MAX_ROW_ID)
_DATE_PARTS = {
    "year": _bounded_integer(1, 9999),
    "month": _bounded_integer(1, 12),
    "day": _bounded_integer(1, 31),
}


def _choices(choices):
    allowed = {str(value) for value in choices.values}

    def parse(name, raw):
        if raw not in allowed:
            raise ExportFilterError(_("%(value)s is not a valid %(name)s.") % {"value": raw, "name": name})
        return raw

    return parse


def _choice_list(choices):
    single = _choices(choices)

    def parse(name, raw):
        return [single(name, part) for part in raw.split(",") if part]

    return parse


def _yes_no_set(name, raw):
    """The admin's "printed: yes/no" filters: yes means the date is set."""
    if raw not in ("yes", "no"):
        raise ExportFilterError(_("%(name)s must be yes or no.") % {"name": name})
    return raw == "no"


def _boolean(name, raw):
    if raw in ("1", "true", "True", "yes"):
        return True
    if raw in ("0", "false", "False", "no"):
        return False
    raise ExportFilterError(_("%(name)s must be 1 or 0.") % {"name": name})


def _date(name, raw):
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ExportFilterError(_("%(name)s must be a date (YYYY-MM-DD).") % {"name": name}) from None


def _datetime(name, raw):
    """A bound of the admin's date filter: "2025-10-25 00:00:00+07:00", or a plain date."""
    try:
        # Well-formed but impossible (30 February) raises ValueError; unparseable gives None.
        value = parse_datetime(raw)
        day = parse_date(raw) if value is None and len(raw) == 10 else None
    except ValueError:
        value = day = None
    if value is None:
        if day is None:
            raise ExportFilterError(_("%(name)s must be a date or a date and time.") % {"name": name})
        value = dt.datetime.combine(day, dt.time())
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _choice_filters(name, path, choices):
    """`name`, `path__exact` and `path__in` for a field with choices."""
    return (
        Filter((name, f"{path}__exact"), path, _choices(choices)),
        Filter((f"{path}__in",), f"{path}__in", _choice_list(choices)),
    )


def _date_filters(path):
    """`date=YYYY-MM-DD`, the admin's date filter (`path__gte`, `path__lt`, `path__isnull`)
    and date hierarchy (`path__year`, `__month`, `__day`)."""
    return (
        Filter(("date", f"{path}__date"), f"{path}__date", _date),
        Filter((f"{path}__gte",), f"{path}__gte", _datetime),
        Filter((f"{path}__lt",), f"{path}__lt", _datetime),
        Filter((f"{path}__isnull",), f"{path}__isnull", _boolean),
        *(Filter((f"{path}__{part}",), f"{path}__{part}", parse) for part, parse in _DATE_PARTS.items()),
    )


def _id_filter(name, path):
    return Filter((name, f"{path}__id__exact", f"{path}_id"), f"{path}_id", _integer)


# --- formatting -------------------------------------------------------------------------


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
                *_choice_filters("status", "status", DelegationStatus),
                *_choice_filters("kind", "kind", DelegationKind),
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
                _id_filter("delegation", "delegation"),
                *_choice_filters("kind", "delegation__kind", DelegationKind),
                *_choice_filters("role", "role", MemberRole),
                *_choice_filters("protocol_rank", "protocol_rank", ProtocolRank),
                Filter(("is_locked", "is_locked__exact"), "is_locked", _boolean),
                *_choice_filters("status", "accreditation__status", AccreditationStatus),
                _id_filter("category", "accreditation__category"),
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
                *_choice_filters("status", "status", BookingStatus),
                _id_filter("session", "session"),
                *_choice_filters("session_kind", "session__kind", SessionKind),
                _id_filter("delegation", "member__delegation"),
            ),
            search=("member__family_name", "member__badge_name", "session__title"),
            columns=(
                Column(gettext_lazy("Session"), lambda b: b.session.title),
                Column(gettext_lazy("Starts at"), lambda b: b.session.starts_at),
                Column(gettext_lazy("Session kind"), lambda b: _display(b.session, "kind")),
                Column(gettext_lazy("Delegation"), lambda b: b.member.delegation.name),
                Column(gettext_lazy("Member"), lambda b: b.member.badge_name),
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
                _id_filter("category", "category"),
                Filter(("printed",), "printed_at__isnull", _yes_no_set),
                Filter(("collected",), "collected_at__isnull", _yes_no_set),
                Filter(("revoked",), "revoked_at__isnull", _yes_no_set),
                *_choice_filters("kind", "accreditation__member__delegation__kind", DelegationKind),
                _id_filter("delegation", "accreditation__member__delegation"),
                *_date_filters("issued_at"),
            ),
            search=("accreditation__member__family_name", "accreditation__member__badge_name"),
            columns=(
                Column(gettext_lazy("Number"), lambda b: b.number),
                Column(gettext_lazy("Version"), lambda b: b.version),
                Column(gettext_lazy("Delegation"), lambda b: b.accreditation.member.delegation.name),
                Column(gettext_lazy("Member"), lambda b: b.accreditation.member.badge_name),
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
                _id_filter("zone", "zone"),
                *_choice_filters("direction", "direction", Direction),
                *_choice_filters("result", "result", ScanResult),
                *_choice_filters("reason", "reason", ScanReason),
                _id_filter("delegation", "badge__accreditation__member__delegation"),
                *_date_filters("scanned_at"),
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
                    gettext_lazy("Member"), lambda s: _badge_holder(s.badge).badge_name if s.badge else ""
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


def export_filter(spec, params):
    """Apply the query-string `params` to the spec's queryset; raise ExportFilterError on
    a filter the export does not know or a value it cannot read (rather than export more
    than the admin list showed)."""
    by_name = {name: f for f in spec.filters for name in f.names}
    queryset = spec.queryset()
    for name in params:
        if name in IGNORED_PARAMS:
            continue
        raw = params.get(name)
        if name == "q" and spec.search:
            if raw:
                search = Q()
                for path in spec.search:
                    search |= Q(**{f"{path}__icontains": raw})
                queryset = queryset.filter(search)
            continue
        flt = by_name.get(name)
        if flt is None:
            raise ExportFilterError(_("Unknown filter: %(name)s") % {"name": name})
        queryset = queryset.filter(**{flt.lookup: flt.parse(name, raw)})
    return queryset


def export_rows(spec, queryset, user):
    """The header row, then one row per object; the queryset is read in chunks."""
    columns = spec.columns_for(user)
    yield [str(header) for header, _value in columns]
    for obj in queryset.iterator(chunk_size=2000):
        yield [value(obj) for _header, value in columns]


def csv_response(spec, queryset, user):
    """A streamed UTF-8 CSV with a byte-order mark, so spreadsheets read Vietnamese names."""
    return files.csv_response(export_rows(spec, queryset, user), filename=_filename(spec, "csv"), stream=True)


def xlsx_response(spec, queryset, user):
    return files.xlsx_response(
        export_rows(spec, queryset, user), filename=_filename(spec, "xlsx"), title=spec.title
    )


def _filename(spec, fmt):
    return f"{spec.kind}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"


def export_queryset_response(*, kind, fmt, user, queryset):
    spec = EXPORTS[kind]
    if fmt == "csv":
        return csv_response(spec, queryset, user)
    return xlsx_response(spec, queryset, user)


def export_response(*, kind, fmt, user, params):
    """The export `kind` in `fmt`, filtered by `params` (a QueryDict)."""
    queryset = export_filter(EXPORTS[kind], params)
    return export_queryset_response(kind=kind, fmt=fmt, user=user, queryset=queryset)


def export_action(kind, fmt):
    """An admin action exporting the selected rows: `actions = [export_action("members", "xlsx")]`.

    The selection is re-read through the export's own queryset (its joins and ordering);
    the export's permission is checked as on the dashboard page.
    """
    spec = EXPORTS[kind]
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")

    def action(modeladmin, request, queryset):
        if not request.user.has_perm(spec.permission):
            raise PermissionDenied
        selected = spec.queryset().filter(pk__in=queryset.values("pk"))
        return export_queryset_response(kind=kind, fmt=fmt, user=request.user, queryset=selected)

    action.__name__ = f"export_{kind}_{fmt}"
    action.short_description = format_lazy(gettext_lazy("Export selected as {format}"), format=fmt.upper())
    action.allowed_permissions = ("view",)
    return action


def available_exports(user):
    """[(spec, csv url, xlsx url)] for the exports `user` may download."""
    from django.urls import reverse

    return [
        (
            spec,
            reverse("dashboard:export", kwargs={"kind": spec.kind, "fmt": "csv"}),
            reverse("dashboard:export", kwargs={"kind": spec.kind, "fmt": "xlsx"}),
        )
        for spec in EXPORTS.values()
        if user.has_perm(spec.permission)
    ]
