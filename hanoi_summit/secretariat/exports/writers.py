"""Writing the exports to a file, row by row: CSV, or XLSX in openpyxl's write-only mode.

Cells go through the product's one spreadsheet writer (hanoi_summit.core.files), which
defuses formulas and writes times in the event's local time. Rows are read from the
database in chunks and written as they come, so a writer's memory does not grow with the
export; the caller hears of the progress once per chunk.
"""

from django.utils import timezone

from hanoi_summit.core import files

#: Rows read from the database at a time, and written between two progress reports.
CHUNK_ROWS = 2000


def export_rows(spec, queryset, user, on_progress=None):
    """The header row, then one row per object; the queryset is read in chunks, and
    `on_progress(rows written)` is called after each chunk."""
    columns = spec.columns_for(user)
    yield [str(header) for header, _value in columns]
    for done, obj in enumerate(queryset.iterator(chunk_size=CHUNK_ROWS), start=1):
        yield [value(obj) for _header, value in columns]
        if on_progress and done % CHUNK_ROWS == 0:
            on_progress(done)


def write_export(spec, queryset, user, fmt, path, on_progress=None):
    """Write the export of `queryset` in `fmt` ("csv" or "xlsx") to the file at `path`."""
    rows = export_rows(spec, queryset, user, on_progress)
    if fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as out:
            files.csv_write(rows, out)
    else:
        files.xlsx_write(rows, path, title=spec.title)


def export_filename(spec, fmt):
    return f"{spec.kind}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
