"""Spreadsheet bombs: small uploads that unpack into millions of rows or one huge cell are refused
while being read, in little time and memory, by the one reader (`core.files.spreadsheet_rows`)
and by the two pages that take spreadsheets (the member import, the admin's invitation upload)."""

import io
import json
import os
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from delegations.models import Invitation, Member
from hanoi_summit.core import files

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 2.0
MEGABYTES = 100
#: A spreadsheet's first sheet and its shared strings, as openpyxl writes their names.
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = b"</sheetData></worksheet>"


_STRINGS_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_STRINGS_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _workbook_parts():
    """Every part of a real one-sheet workbook, plus a shared strings part: "x", shown in A1."""
    workbook = Workbook()
    workbook.active["A1"] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    # openpyxl writes strings inline; Excel and LibreOffice share them, as the bombs do.
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/%s" ContentType="%s"/></Types>' % (STRINGS.encode(), _STRINGS_TYPE),
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Type="%s" Target="sharedStrings.xml" Id="rId9"/></Relationships>' % _STRINGS_REL,
    )
    parts[SHEET] = _SHEET_HEAD + b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + _SHEET_TAIL
    parts[STRINGS] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>x</t></si></sst>'
    )
    return parts


def xlsx_with(*, sheet_chunks=None, strings_chunks=None):
    """A workbook whose sheet and/or shared strings are written from chunks, streamed into the
    zip (the bomb is never whole in this process's memory either)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in _workbook_parts().items():
            chunks = {SHEET: sheet_chunks, STRINGS: strings_chunks}.get(name)
            if chunks is None:
                archive.writestr(name, data)
                continue
            with archive.open(name, "w", force_zip64=True) as part:
                for chunk in chunks:
                    part.write(chunk)
    return out.getvalue()


def _rows_bomb_chunks(rows=2_000_000):
    yield _SHEET_HEAD
    # Rows and cells without their optional "r" attribute: each one counts on from the last.
    batch = b'<row><c t="s"><v>0</v></c></row>' * 10_000
    for _ in range(rows // 10_000):
        yield batch
    yield _SHEET_TAIL


def _string_bomb_chunks(megabytes=150):
    yield (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        b'uniqueCount="1"><si><t>'
    )
    chunk = b"A" * (1024 * 1024)
    for _ in range(megabytes):
        yield chunk
    yield b"</t></si></sst>"


@pytest.fixture(scope="module")
def rows_bomb():
    """2,000,000 rows of one cell each."""
    return xlsx_with(sheet_chunks=_rows_bomb_chunks())


@pytest.fixture(scope="module")
def string_bomb():
    """One shared string of 150 MB, shown in cell A1."""
    return xlsx_with(strings_chunks=_string_bomb_chunks())


def _plain_rows_xlsx(rows, columns=1, cell="v"):
    """A workbook of `rows` rows of `columns` cells, each holding `cell` (inline, no ratio bomb)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for _ in range(rows):
        sheet.append([cell] * columns)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_MEASURE = """
import json, resource, sys, time
import django
django.setup()
from hanoi_summit.core import files
data = open(sys.argv[1], "rb").read()
import openpyxl  # imported before the baseline: its modules are not the bomb's memory
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
# Beyond 1.5 GB more the reader has lost: stop it with a MemoryError instead of the machine.
resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))
start = time.perf_counter()
try:
    files.spreadsheet_rows(data)
    outcome = "read"
except files.UploadRefused as refused:
    outcome = refused.message
except MemoryError:
    outcome = "MemoryError"
elapsed = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "mb": (after - before) / 1024, "outcome": outcome}))
"""


def _measure_in_subprocess(data, tmp_path, timeout=60):
    """Call the reader on `data` in a fresh process: its peak resident memory (ru_maxrss, which
    counts what C libraries allocate as well) above the baseline, and the time taken."""
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(data)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hanoi_summit.settings"}
    try:
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE, str(path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the reader was still reading after {timeout} s")
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _measured(call):
    """(result or exception, seconds, peak MB traced by tracemalloc) of `call()`: timed on a
    first call, measured on a second one (tracemalloc slows Python down several times)."""

    def run():
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - the caller asserts what it was
            return exc

    start = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    try:
        run()
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()
    return result, seconds, peak


def test_the_bombs_are_small_files(rows_bomb, string_bomb):
    # Small enough for every upload's size limit: only reading them shows what they are.
    assert len(rows_bomb) < 2 * 1024 * 1024
    assert len(string_bomb) < 2 * 1024 * 1024


@pytest.mark.parametrize("bomb", ["rows_bomb", "string_bomb"])
def test_the_reader_refuses_a_bomb_in_little_time_and_memory(bomb, request, tmp_path):
    measured = _measure_in_subprocess(request.getfixturevalue(bomb), tmp_path)
    print(bomb, measured)
    assert measured["outcome"] not in ("read", "MemoryError")
    assert measured["seconds"] < SECONDS
    assert measured["mb"] < MEGABYTES


@pytest.mark.parametrize("bomb", ["rows_bomb", "string_bomb"])
def test_the_reader_refuses_a_bomb_before_holding_it(bomb, request):
    refused, seconds, peak = _measured(lambda: files.spreadsheet_rows(request.getfixturevalue(bomb)))
    assert isinstance(refused, files.UploadRefused)
    assert refused.code == "invalid_file"
    assert seconds < SECONDS and peak < MEGABYTES


def test_the_zip_is_judged_by_its_directory_before_openpyxl_opens_it(string_bomb, monkeypatch):
    import openpyxl

    def must_not_open(*args, **kwargs):
        raise AssertionError("openpyxl opened a bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", must_not_open)
    with pytest.raises(files.UploadRefused, match="unpacks"):
        files.spreadsheet_rows(string_bomb)


def test_rows_beyond_the_limit_stop_the_reading():
    data = _plain_rows_xlsx(60)
    with pytest.raises(files.UploadRefused, match="more than 50 rows"):
        files.spreadsheet_rows(data, max_rows=50)
    assert len(files.spreadsheet_rows(data, max_rows=60)) == 60


def test_a_row_far_down_the_sheet_counts_its_empty_rows_above():
    # One cell at row 1,048,576: openpyxl fills the rows above with empty ones, one by one.
    chunks = [_SHEET_HEAD, b'<row r="1048576"><c r="A1048576" t="s"><v>0</v></c></row>', _SHEET_TAIL]
    refused, seconds, _ = _measured(lambda: files.spreadsheet_rows(xlsx_with(sheet_chunks=chunks)))
    assert isinstance(refused, files.UploadRefused) and seconds < SECONDS


def test_a_cell_far_right_is_refused_without_filling_the_columns_before_it():
    chunks = [_SHEET_HEAD, b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="XFD1"><v>1</v></c></row>']
    data = xlsx_with(sheet_chunks=[*chunks, _SHEET_TAIL])
    with pytest.raises(files.UploadRefused, match="columns"):
        files.spreadsheet_rows(data)


def test_a_long_cell_is_refused():
    with pytest.raises(files.UploadRefused, match="longer than"):
        files.spreadsheet_rows(_plain_rows_xlsx(2, cell="a" * 5000), max_cell_chars=4000)
    with pytest.raises(files.UploadRefused, match="longer than"):
        files.spreadsheet_rows(("a" * 5000 + "\n").encode(), max_cell_chars=4000)


def test_a_legitimate_workbook_still_reads():
    assert files.spreadsheet_rows(_plain_rows_xlsx(3, columns=19, cell="Adviser")) == [["Adviser"] * 19] * 3


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("x\n" * 60, "more than 50 rows"),
        ("\n" * 200_000, "more than 50 rows"),
        (",".join(["x"] * 300) + "\n", "columns"),
        ("a" * 5000 + "\n", "longer than"),
    ],
)
def test_csv_limits(text, match):
    refused, seconds, peak = _measured(lambda: files.spreadsheet_rows(text.encode(), max_rows=50))
    assert isinstance(refused, files.UploadRefused), refused
    assert match in refused.message
    assert seconds < SECONDS and peak < MEGABYTES


def test_a_file_beyond_the_size_limit_is_refused_by_the_reader():
    with pytest.raises(files.UploadRefused, match="too large"):
        files.spreadsheet_rows(b"a,b\n" * 100, max_bytes=100)


@pytest.mark.parametrize("bomb", ["rows_bomb", "string_bomb"])
def test_the_member_import_refuses_a_bomb_on_the_form(bomb, request, focal_client):
    data = request.getfixturevalue(bomb)
    focal_client.get(reverse("portal:member-import"))  # the page's first rendering is not timed
    response, seconds, peak = _measured(
        lambda: focal_client.post(
            reverse("portal:member-import"),
            {"file": SimpleUploadedFile("members.xlsx", data, content_type=files.XLSX_CONTENT_TYPE)},
        )
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors and "unpacks" in errors[0]
    assert seconds < SECONDS and peak < MEGABYTES
    assert not Member.objects.exists()


@pytest.mark.parametrize("bomb", ["rows_bomb", "string_bomb"])
def test_the_invitation_upload_refuses_a_bomb_on_the_form(bomb, request, secretariat_client):
    data = request.getfixturevalue(bomb)
    url = reverse("admin:delegations_invitation_upload")
    secretariat_client.get(url)  # the page's first rendering is not timed
    response, seconds, peak = _measured(
        lambda: secretariat_client.post(
            url, {"file": SimpleUploadedFile("invitations.xlsx", data, content_type=files.XLSX_CONTENT_TYPE)}
        )
    )
    assert response.status_code == 200
    assert "unpacks" in response.content.decode()
    assert seconds < SECONDS and peak < MEGABYTES
    assert not Invitation.objects.exists()


def test_the_member_import_refuses_too_many_rows_while_reading(focal_client):
    # Fewer bytes than any ratio or size limit, more rows than the import takes.
    data = _plain_rows_xlsx(12_000)
    upload = SimpleUploadedFile("members.xlsx", data, content_type=files.XLSX_CONTENT_TYPE)
    start = time.perf_counter()
    response = focal_client.post(reverse("portal:member-import"), {"file": upload})
    seconds = time.perf_counter() - start
    errors = response.context["form"].errors["file"]
    assert "more than 10100 rows" in errors[0]
    # openpyxl parses the 10,100 rows it may (about a second), then the reading stops.
    assert seconds < 5 * SECONDS


def test_a_part_within_the_size_limits_but_compressed_too_well_is_refused():
    # 20 MB of one letter: under every size limit, but a thousand times its compressed size.
    data = xlsx_with(strings_chunks=_string_bomb_chunks(megabytes=20))
    with pytest.raises(files.UploadRefused, match="times its size"):
        files.spreadsheet_rows(data)
