"""Writing the exports: rows as CSV (streamed) or XLSX, and the download responses.

Cells that a spreadsheet would read as a formula are defused (`safe_text`); times are
written in the event's local time.
"""

import csv
import datetime as dt
import io
import re

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from hanoi_summit.secretariat.exports.filters import export_filter
from hanoi_summit.secretariat.exports.specs import EXPORTS

# --- formatting -------------------------------------------------------------------------

# A phone number may start with + or -; anything else that a spreadsheet would read as a
# formula is prefixed with an apostrophe (CSV/formula injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PHONE_LIKE = re.compile(r"^[+-][\d\s().-]*$")
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_text(value):
    if value.startswith(_FORMULA_START) and not _PHONE_LIKE.match(value):
        return "'" + value
    return value


def _cell(value, *, for_xlsx):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value).replace(tzinfo=None)
        return local if for_xlsx else local.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value if for_xlsx else value.isoformat()
    if isinstance(value, bool | int | float):
        return value
    text = safe_text(str(value))
    return _ILLEGAL_XLSX.sub("", text) if for_xlsx else text


def export_rows(spec, queryset, user, *, for_xlsx=False):
    """The header row, then one row per object; the queryset is read in chunks."""
    columns = spec.columns_for(user)
    yield [str(header) for header, _value in columns]
    for obj in queryset.iterator(chunk_size=2000):
        yield [_cell(value(obj), for_xlsx=for_xlsx) for _header, value in columns]


class _Echo:
    def write(self, value):
        return value


def csv_response(spec, queryset, user):
    """A streamed UTF-8 CSV with a byte-order mark, so spreadsheets read Vietnamese names."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        for row in export_rows(spec, queryset, user):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(spec, "csv")}"'
    return response


def xlsx_response(spec, queryset, user):
    # openpyxl is slow to import: only when a spreadsheet is asked for.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(spec.title)[:31])
    rows = export_rows(spec, queryset, user, for_xlsx=True)
    header = next(rows)
    sheet.freeze_panes = "A2"
    cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(spec, "xlsx")}"'
    return response


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
