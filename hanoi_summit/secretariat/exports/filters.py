"""The exports' query-string filters: the admin changelists' names (``status__exact=approved``,
``issued_at__gte=...``, ``delegation__id__exact=3``) and short aliases (``status=approved``).

A filter the export does not know, or a value it cannot read, is an ExportFilterError (a 400)
rather than a silently wider export than the admin list showed.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from hanoi_summit.core.admin import restricted_path
from hanoi_summit.core.api import MAX_ROW_ID

#: Query-string keys of the admin changelist that are not filters (ordering, page, popup...).
IGNORED_PARAMS = frozenset({"o", "p", "e", "all", "_changelist_filters", "_to_field", "_popup"})


class ExportFilterError(ValueError):
    """A filter the export does not know, or a value it cannot read."""


@dataclass(frozen=True)
class Filter:
    """One query-string filter: its accepted names, the ORM lookup and the value's reader."""

    names: tuple
    lookup: str
    parse: object


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


def read_yes_no_set(name, raw):
    """The admin's "printed: yes/no" filters: yes means the date is set."""
    if raw not in ("yes", "no"):
        raise ExportFilterError(_("%(name)s must be yes or no.") % {"name": name})
    return raw == "no"


def read_boolean(name, raw):
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


# --- filters of a field -----------------------------------------------------------------


def choice_filters(name, path, choices):
    """`name`, `path__exact` and `path__in` for a field with choices."""
    return (
        Filter((name, f"{path}__exact"), path, _choices(choices)),
        Filter((f"{path}__in",), f"{path}__in", _choice_list(choices)),
    )


def date_filters(path):
    """`date=YYYY-MM-DD`, the admin's date filter (`path__gte`, `path__lt`, `path__isnull`)
    and date hierarchy (`path__year`, `__month`, `__day`)."""
    return (
        Filter(("date", f"{path}__date"), f"{path}__date", _date),
        Filter((f"{path}__gte",), f"{path}__gte", _datetime),
        Filter((f"{path}__lt",), f"{path}__lt", _datetime),
        Filter((f"{path}__isnull",), f"{path}__isnull", read_boolean),
        *(Filter((f"{path}__{part}",), f"{path}__{part}", parse) for part, parse in _DATE_PARTS.items()),
    )


def id_filter(name, path):
    return Filter((name, f"{path}__id__exact", f"{path}_id"), f"{path}_id", _integer)


# --- applying them ----------------------------------------------------------------------


def export_filter(spec, params, user=None):
    """Apply the query-string `params` to the spec's queryset; raise ExportFilterError on
    a filter the export does not know or a value it cannot read (rather than export more
    than the admin list showed), or on one reaching a field `user` may not see (passport
    data: a filter answers for the value as surely as a column); the search leaves such
    fields out."""
    by_name = {name: f for f in spec.filters for name in f.names}
    queryset = spec.queryset()

    def hidden(path):
        return user is not None and restricted_path(queryset.model, path, user)

    for name in params:
        if name in IGNORED_PARAMS:
            continue
        raw = params.get(name)
        if name == "q" and spec.search:
            if raw:
                search = Q()
                for path in spec.search:
                    if not hidden(path):
                        search |= Q(**{f"{path}__icontains": raw})
                queryset = queryset.filter(search)
            continue
        flt = by_name.get(name)
        if flt is None or hidden(flt.lookup):
            raise ExportFilterError(_("Unknown filter: %(name)s") % {"name": name})
        queryset = queryset.filter(**{flt.lookup: flt.parse(name, raw)})
    return queryset
