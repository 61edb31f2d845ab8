"""Writing the exports: rows as CSV (streamed) or XLSX, and the download responses.

Cells go through the product's one spreadsheet writer (hanoi_summit.core.files), which
defuses formulas and writes times in the event's local time.
"""

from django.utils import timezone

from hanoi_summit.core import files
from hanoi_summit.secretariat.exports.filters import export_filter
from hanoi_summit.secretariat.exports.specs import EXPORTS


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
    queryset = export_filter(EXPORTS[kind], params, user)
    return export_queryset_response(kind=kind, fmt=fmt, user=user, queryset=queryset)
