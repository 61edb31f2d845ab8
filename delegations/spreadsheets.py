"""Reading an uploaded table, CSV or XLSX, told apart by content: the rows as lists of cells.

Used by the member import and the invitation upload. Anything unreadable is a
DelegationError("invalid_file") with a message for the person who uploaded it, never a 500.
"""

import contextlib
import csv
import io

from django.utils.translation import gettext as _

from delegations.errors import DelegationError


def spreadsheet_rows(data):
    """The rows of ``data``: an XLSX workbook's first sheet (cells as openpyxl gives them), or
    a UTF-8 CSV file (cells as text; comma, semicolon or tab)."""
    # XLSX is a zip archive: its first bytes say so whatever the file is called.
    return _sheet_from_xlsx(data) if data.startswith(b"PK\x03\x04") else _sheet_from_csv(data)


def _sheet_from_xlsx(data):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    except Exception as exc:  # openpyxl raises zip, XML and key errors on a broken file
        raise DelegationError(_("This file is not a readable XLSX workbook."), code="invalid_file") from exc


def _sheet_from_csv(data):
    if b"\x00" in data[:4096]:
        raise DelegationError(
            _("This file is neither a CSV file (UTF-8 text) nor an XLSX workbook."), code="invalid_file"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DelegationError(
            _("This file is neither a CSV file in UTF-8 nor an XLSX workbook. Save the CSV as UTF-8."),
            code="invalid_file",
        ) from exc
    dialect = csv.excel
    # Spreadsheets in French or Vietnamese locales save CSV with semicolons.
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    try:
        return list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        raise DelegationError(
            _("This CSV file cannot be read: %(e)s") % {"e": exc}, code="invalid_file"
        ) from exc
