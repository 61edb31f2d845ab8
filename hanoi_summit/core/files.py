"""Files in and out: the PDF upload check, the spreadsheet reader, the CSV/XLSX writer.

Uploads are judged by their content, never by their name or declared type. What the product
writes as CSV or XLSX goes through `csv_write`/`xlsx_write` (and the responses built on them),
so every cell gets the same formula guard.
"""

import contextlib
import csv
import datetime as dt
import io
import re
import zipfile

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from hanoi_summit.core.errors import DomainError

#: The largest PDF accepted anywhere (notes verbales, letters of nomination, full powers).
PDF_MAX_BYTES = 10 * 1024 * 1024
PDF_MAX_MB = PDF_MAX_BYTES // 1024 // 1024
#: The most one stream may unpack to while a PDF is checked (pypdf's own limit is 75 MB). The
#: check decodes object streams only (dictionaries, never page content or images), which
#: are small: a larger one is a decompression bomb.
PDF_MAX_UNPACKED_BYTES = 16 * 1024 * 1024

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadRefused(DomainError):
    """An upload refused for its size or content; each app re-raises it as its own error.

    Codes: "too_large", "not_pdf", "active_content" (from `pdf_clean`), "too_large",
    "invalid_file" (from `spreadsheet_rows`).
    """

    default_code = "invalid_file"


def on_commit_delete(file_field_value):
    """Remove a replaced or orphaned upload once the change that dropped it is committed, and
    only if no row still names it in the same field: rows may share a file (the demo's
    members did), and deleting it under them would break every one of them."""
    if not file_field_value:
        return
    storage, name = file_field_value.storage, file_field_value.name
    # Read now: saving a new file into the same field changes file_field_value's name.
    model, field_name = file_field_value.field.model, file_field_value.field.name

    def delete_if_unreferenced():
        if not model._default_manager.filter(**{field_name: name}).exists():
            storage.delete(name)

    transaction.on_commit(delete_if_unreferenced)


def storage_files_under(storage, directory):
    """Every file name under `directory` of `storage`, at any depth ([] when it is absent)."""
    try:
        folders, files = storage.listdir(directory)
    except FileNotFoundError:
        return []
    names = [f"{directory}/{name}" for name in files]
    for folder in folders:
        names += storage_files_under(storage, f"{directory}/{folder}")
    return names


def on_commit_delete_all(storage, names):
    """Remove the files `names` once the change that let go of them is committed (a rollback
    keeps them: their rows still name them)."""
    names = list(names)

    def delete():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


# --- PDF uploads ------------------------------------------------------------------------


def pdf_clean(upload):
    """Check an uploaded PDF and return its bytes as a `ContentFile` named "document.pdf".

    A file is a PDF when it starts with "%PDF-" and pypdf can read its first page; an
    executable renamed to .pdf fails the first test, a damaged PDF the second, and so does a
    hostile one beyond pypdf's limits (a page tree thousands of levels deep, an object stream
    that unpacks to gigabytes). A PDF with active content (see `_pdf_active_content`) is
    refused too: a letter or full powers need none. Raises UploadRefused (field "file") with
    code "too_large", "not_pdf" or "active_content".
    """
    from pypdf import PdfReader, apply_configuration

    size = getattr(upload, "size", None)
    too_large = UploadRefused(
        _("The file is too large; the limit is %(limit)s MB.") % {"limit": PDF_MAX_MB},
        code="too_large",
        field="file",
    )
    if size is not None and size > PDF_MAX_BYTES:
        raise too_large
    # One byte more than the limit is enough to know an upload without a size is too large.
    data = upload.read(PDF_MAX_BYTES + 1)
    if len(data) > PDF_MAX_BYTES:
        raise too_large
    not_a_pdf = UploadRefused(_("This file is not a PDF document."), code="not_pdf", field="file")
    if not data.startswith(b"%PDF-"):
        raise not_a_pdf
    limit = PDF_MAX_UNPACKED_BYTES
    unpacked = {
        f"{name}_maximum_output_length": limit for name in ("zlib", "lzw", "run_length", "brotli", "jbig2")
    }
    try:
        with apply_configuration(array_based_stream_maximum_output_length=limit, **unpacked):
            reader = PdfReader(io.BytesIO(data))
            # Owner-password PDFs (printing restricted) open with an empty user password.
            if reader.is_encrypted and not reader.decrypt(""):
                raise not_a_pdf
            if len(reader.pages) < 1:
                raise not_a_pdf
            reader.pages[0]  # the page tree is walked to its first leaf
            if _pdf_active_content(reader):
                raise UploadRefused(
                    _(
                        "This PDF holds scripts, automatic actions or attached files. Print it to "
                        "PDF again, or scan the signed paper, and send that file."
                    ),
                    code="active_content",
                    field="file",
                )
    except UploadRefused:
        raise
    except Exception as exc:
        # pypdf raises many kinds of errors on a broken or hostile file: its own PdfReadError,
        # LimitReachedError when a file declares more than pypdf will decode, and plain
        # ValueError, KeyError, RecursionError... Every one of them means "not a PDF we take".
        raise not_a_pdf from exc
    return ContentFile(data, name="document.pdf")


#: Keys that hold or trigger active content wherever they appear: JavaScript (/JS, and the
#: names tree's /JavaScript), actions run on events (/AA: opening a page, closing the file,
#: a field changing), attached files (the names tree's /EmbeddedFiles, a file
#: specification's /EF) and XFA forms (which carry their own scripts).
_PDF_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EF", "/XFA"})
#: Action types (/S) that run code, open or send files. /GoTo (a page of the file) and /URI
#: (a link, e-mail addresses in a letterhead) stay allowed, and so does an /OpenAction that
#: opens at a page, which word processors write.
_PDF_ACTIVE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/GoToR",
        "/GoToE",
        "/ImportData",
        "/SubmitForm",
        "/Rendition",
        "/RichMediaExecute",
    }
)
#: Objects looked at from the catalog; a letter has a few hundred.
PDF_MAX_OBJECTS = 100_000


def _pdf_active_content(reader):
    """Whether the document reachable from `reader`'s catalog (pages, annotations, forms, the
    names tree, /OpenAction) holds active content. Walked with a stack, not recursion, each
    object once; streams' data is not decoded."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen = set()
    stack = [reader.trailer["/Root"]]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            if len(seen) > PDF_MAX_OBJECTS:
                raise ValueError("too many objects to inspect")
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            if not _PDF_ACTIVE_KEYS.isdisjoint(item.keys()):
                return True
            action = item.get("/S")
            if isinstance(action, IndirectObject):
                action = action.get_object()
            if isinstance(action, str) and action in _PDF_ACTIVE_ACTIONS:
                return True
            stack.extend(dict.values(item))
        elif isinstance(item, ArrayObject):
            stack.extend(list.__iter__(item))
    return False


# --- Reading spreadsheets ---------------------------------------------------------------


#: What any spreadsheet upload may hold; callers pass tighter limits where they have them. A
#: file beyond them is refused while it is read, before it is held in memory.
SPREADSHEET_MAX_BYTES = 5 * 1024 * 1024
SPREADSHEET_MAX_ROWS = 20_000
SPREADSHEET_MAX_COLUMNS = 50
#: Longer than any text field a spreadsheet fills (the longest are 200 characters).
SPREADSHEET_MAX_CELL_CHARS = 2000
#: An XLSX workbook is a zip of XML parts. These limits are read from the zip's directory
#: before openpyxl opens it: a small file that unpacks to gigabytes (a "zip bomb": one huge
#: shared string, millions of rows) never reaches the XML parser.
XLSX_MAX_PARTS = 1000
XLSX_MAX_PART_BYTES = 32 * 1024 * 1024
XLSX_MAX_TOTAL_BYTES = 64 * 1024 * 1024
#: How much larger than its compressed bytes a part may unpack (real sheets: 5 to 30 times),
#: for parts over XLSX_RATIO_FROM_BYTES (a small part may be all blanks).
XLSX_MAX_RATIO = 100
XLSX_RATIO_FROM_BYTES = 1024 * 1024


def spreadsheet_rows(
    data,
    *,
    max_bytes=SPREADSHEET_MAX_BYTES,
    max_rows=SPREADSHEET_MAX_ROWS,
    max_columns=SPREADSHEET_MAX_COLUMNS,
    max_cell_chars=SPREADSHEET_MAX_CELL_CHARS,
):
    """The rows of ``data``: an XLSX workbook's first sheet (cells as openpyxl gives them), or
    a UTF-8 CSV file (cells as text; comma, semicolon or tab). A workbook's rows leave out
    their trailing empty cells (an empty row is []).

    The format is told by content. Anything unreadable, or beyond a limit (file size; an
    XLSX's unpacked size; rows, counting empty ones; columns; characters in a cell), is
    UploadRefused("invalid_file") with a message for the person who uploaded it, never a 500.
    Limits are checked while reading: the reading stops at the first one passed.
    """
    if len(data) > max_bytes:
        raise UploadRefused(
            _("The file is too large (%(mb)s MB at most).") % {"mb": _megabytes(max_bytes)},
            code="too_large",
        )
    limits = _Limits(max_rows, max_columns, max_cell_chars)
    # XLSX is a zip archive: its first bytes say so whatever the file is called.
    if data.startswith(b"PK\x03\x04"):
        return _sheet_from_xlsx(data, limits)
    return _sheet_from_csv(data, limits)


def _megabytes(size):
    return f"{size / 1024 / 1024:g}"


class _Limits:
    def __init__(self, max_rows, max_columns, max_cell_chars):
        self.max_rows, self.max_columns, self.max_cell_chars = max_rows, max_columns, max_cell_chars

    def row(self, rows, row):
        """`row` without its trailing empty cells, once checked against the limits; `rows`
        are the rows read so far."""
        if len(rows) >= self.max_rows:
            raise UploadRefused(
                _("The file has more than %(n)s rows (empty ones included).") % {"n": self.max_rows},
                code="invalid_file",
            )
        row = list(row)
        while row and row[-1] in (None, ""):
            row.pop()
        if len(row) > self.max_columns:
            raise UploadRefused(
                _("Row %(line)s has more than %(n)s columns.")
                % {"line": len(rows) + 1, "n": self.max_columns},
                code="invalid_file",
            )
        for value in row:
            if isinstance(value, str) and len(value) > self.max_cell_chars:
                raise UploadRefused(
                    _("Row %(line)s has a cell longer than %(n)s characters.")
                    % {"line": len(rows) + 1, "n": self.max_cell_chars},
                    code="invalid_file",
                )
        return row


def _xlsx_unpacked_check(data):
    """Refuse a workbook whose zip directory declares parts too large or too compressed.

    zipfile never unpacks more than a part's declared size (a part that holds more fails its
    CRC check), so the directory's sizes bound what openpyxl can be handed."""
    unreadable = UploadRefused(_("This file is not a readable XLSX workbook."), code="invalid_file")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise unreadable from exc
    unpacks = UploadRefused(
        _(
            "This workbook unpacks to more than %(mb)s MB, which no list of this size needs. "
            "Save it again as a plain workbook, or as a CSV file."
        )
        % {"mb": _megabytes(XLSX_MAX_TOTAL_BYTES)},
        code="invalid_file",
    )
    if len(parts) > XLSX_MAX_PARTS:
        raise unpacks
    total = 0
    for part in parts:
        total += part.file_size
        if part.file_size > XLSX_MAX_PART_BYTES or total > XLSX_MAX_TOTAL_BYTES:
            raise unpacks
        if part.file_size > XLSX_RATIO_FROM_BYTES and part.file_size > XLSX_MAX_RATIO * max(
            part.compress_size, 1
        ):
            raise UploadRefused(
                _(
                    "This workbook unpacks to over %(n)s times its size, as no real spreadsheet "
                    "does. Save it again as a plain workbook, or as a CSV file."
                )
                % {"n": XLSX_MAX_RATIO},
                code="invalid_file",
            )


def _refuse_cells_beyond(sheet, limits):
    """Make `sheet` refuse a row with a value right of the last column allowed.

    iter_rows(max_col=) drops such cells silently, and without max_col openpyxl pads each row
    up to its last cell (XFD1 alone is 16,384 values). So the read-only sheet's row builder
    (openpyxl 3.1's `ReadOnlyWorksheet._get_row`, given each row's parsed cells) is wrapped
    to check the cells first.
    """
    build = sheet._get_row

    def checked(row, *args, **kwargs):
        for cell in row:
            if cell["column"] > limits.max_columns and cell["value"] is not None:
                raise UploadRefused(
                    _("A row has more than %(n)s columns.") % {"n": limits.max_columns},
                    code="invalid_file",
                )
        return build(row, *args, **kwargs)

    sheet._get_row = checked


def _sheet_from_xlsx(data, limits):
    from openpyxl import load_workbook

    _xlsx_unpacked_check(data)
    rows = []
    try:
        # read_only: the sheet's XML is parsed as it is iterated, so the limits stop the reading.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # The declared dimensions are the file's word: without them, no row is padded to a
            # claimed width or length, and the limits count what is there.
            sheet.reset_dimensions()
            _refuse_cells_beyond(sheet, limits)
            for row in sheet.iter_rows(max_col=limits.max_columns, values_only=True):
                rows.append(limits.row(rows, row))
        finally:
            workbook.close()
    except UploadRefused:
        raise
    except Exception as exc:  # openpyxl raises zip, XML and key errors on a broken file
        raise UploadRefused(_("This file is not a readable XLSX workbook."), code="invalid_file") from exc
    return rows


def _sheet_from_csv(data, limits):
    if b"\x00" in data[:4096]:
        raise UploadRefused(
            _("This file is neither a CSV file (UTF-8 text) nor an XLSX workbook."), code="invalid_file"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadRefused(
            _("This file is neither a CSV file in UTF-8 nor an XLSX workbook. Save the CSV as UTF-8."),
            code="invalid_file",
        ) from exc
    dialect = csv.excel
    # Spreadsheets in French or Vietnamese locales save CSV with semicolons.
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    rows = []
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            limits.row(rows, row)
            rows.append(row)
    except csv.Error as exc:
        raise UploadRefused(
            _("This CSV file cannot be read: %(e)s") % {"e": exc}, code="invalid_file"
        ) from exc
    return rows


# --- Writing spreadsheets ---------------------------------------------------------------

# A phone number may start with + or -; anything else that a spreadsheet would read as a
# formula is prefixed with an apostrophe (CSV/formula injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PHONE_LIKE = re.compile(r"^[+-][\d\s().-]*$")
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_text(value):
    """`value` as a spreadsheet shows it as text, never runs it as a formula."""
    if value.startswith(_FORMULA_START) and not _PHONE_LIKE.match(value):
        return "'" + value
    return value


def spreadsheet_cell(value, *, for_xlsx=False):
    """One cell as written: dates in the event's zone (native in XLSX, ISO text in CSV),
    numbers as numbers, everything else as guarded text."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        return local if for_xlsx else local.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value if for_xlsx else value.isoformat()
    if isinstance(value, bool | int | float):
        return value
    text = safe_text(str(value))
    return _ILLEGAL_XLSX.sub("", text) if for_xlsx else text


class _Echo:
    def write(self, value):
        return value


def csv_write(rows, out):
    """Write `rows` (the header first) to the text stream `out` one row at a time, with a
    byte-order mark so spreadsheets read accents and Vietnamese names right. Open a file for
    it with encoding="utf-8" and newline="" (the csv module writes its own line ends)."""
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([spreadsheet_cell(value) for value in row])


def csv_bytes(rows):
    """`rows` (the header first) as UTF-8 CSV bytes, byte-order mark first."""
    out = io.StringIO()
    csv_write(rows, out)
    return out.getvalue().encode("utf-8")


def csv_response(rows, *, filename, stream=False):
    """A CSV download of `rows`, BOM first. With `stream`, rows are read as they are sent
    (long exports start at once and never sit whole in memory)."""
    if stream:
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff"
            for row in rows:
                yield writer.writerow([spreadsheet_cell(value) for value in row])

        response = StreamingHttpResponse(lines(), content_type=CSV_CONTENT_TYPE)
    else:
        response = HttpResponse(csv_bytes(rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_write(rows, out, *, title, column_widths=None):
    """Write `rows` (the header first, in bold and frozen) as the first sheet of an XLSX
    workbook to `out` (a path or a binary file). openpyxl's write-only mode spools each row
    to a temporary file as it is appended, so memory does not grow with the rows."""
    # openpyxl is slow to import: only when a spreadsheet is asked for.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    for index, width in enumerate(column_widths or (), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    rows = iter(rows)
    header = []
    for text in next(rows, []):
        cell = WriteOnlyCell(sheet, value=spreadsheet_cell(text, for_xlsx=True))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([spreadsheet_cell(value, for_xlsx=True) for value in row])
    workbook.save(out)


def xlsx_bytes(rows, *, title, column_widths=None):
    """`rows` as the bytes of an XLSX workbook (see `xlsx_write`)."""
    buffer = io.BytesIO()
    xlsx_write(rows, buffer, title=title, column_widths=column_widths)
    return buffer.getvalue()


def xlsx_response(rows, *, filename, title):
    response = HttpResponse(xlsx_bytes(rows, title=title), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
