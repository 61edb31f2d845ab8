"""The shared file helpers: one PDF check, one spreadsheet reader, one CSV/XLSX writer."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from hanoi_summit.core import files
from tests.factories import pdf_bytes


def _pdf(data):
    return SimpleUploadedFile("x.pdf", data, content_type="application/pdf")


def test_a_real_pdf_passes_and_keeps_its_bytes():
    data = pdf_bytes("Full powers")
    assert files.pdf_clean(_pdf(data)).read() == data


def test_a_pdf_beyond_pypdfs_limits_is_refused_not_a_crash(monkeypatch):
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    def too_much(self):
        raise LimitReachedError("declared more than pypdf decodes")

    monkeypatch.setattr(PdfReader, "pages", property(too_much))
    with pytest.raises(files.UploadRefused) as refused:
        files.pdf_clean(_pdf(pdf_bytes()))
    assert refused.value.code == "not_pdf"


def test_the_pdf_limit_is_one_constant():
    with pytest.raises(files.UploadRefused) as refused:
        files.pdf_clean(_pdf(b"%PDF-1.4" + b"0" * files.PDF_MAX_BYTES))
    assert refused.value.code == "too_large"
    assert f"{files.PDF_MAX_MB} MB" in refused.value.message


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
def test_formula_like_cells_are_written_as_text(text):
    assert files.spreadsheet_cell(text) == "'" + text


def test_phone_numbers_keep_their_sign():
    assert files.spreadsheet_cell("+84 24 3825 1234") == "+84 24 3825 1234"


def test_csv_and_xlsx_written_here_read_back_through_the_reader():
    rows = [["name", "function"], ["Lan", '=HYPERLINK("http://evil.example")']]
    written = files.csv_bytes(rows)
    assert written.startswith("\ufeff".encode())
    assert list(csv.reader(io.StringIO(written.decode("utf-8-sig"))))[1][1].startswith("'=")
    assert files.spreadsheet_rows(written)[1][1].startswith("'=")
    workbook = load_workbook(io.BytesIO(files.xlsx_bytes(rows, title="t")))
    assert [cell.value for cell in workbook.active[2]][1].startswith("'=")


def test_an_unreadable_upload_is_refused_with_a_message():
    with pytest.raises(files.UploadRefused) as refused:
        files.spreadsheet_rows(b"\x00\x01binary")
    assert refused.value.code == "invalid_file"
