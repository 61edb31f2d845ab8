"""Bulk import of members: reading CSV/XLSX, row errors, duplicates, quota, all or nothing."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from delegations.errors import DelegationError
from delegations.imports import members as imports
from delegations.imports.members import COLUMNS, member_import_check, member_import_read, members_import
from delegations.models import Member, MemberRole, ProtocolRank, passport_hash_of, search_name_of
from hanoi_summit.core.models import AuditEntry
from tests import factories


def row(n=0, **overrides):
    """One valid row as a spreadsheet would hold it."""
    data = {
        "family_name": f"Otieno{n}",
        "given_names": "Brian",
        "badge_name": "",
        "title": "Mr",
        "function": "Adviser",
        "protocol_rank": "Other",
        "role": "adviser",
        "gender": "male",
        "date_of_birth": "1979-02-03",
        "nationality": "KEN",
        "passport_number": f"AK{n:07d}",
        "passport_expiry": "2032-01-31",
        "email": f"brian{n}@example.org",
        "phone": "+254 700 000001",
        "arrival": "2025-10-24 09:15",
        "departure": "2025-10-27 18:00",
        "dietary_needs": "",
        "accessibility_needs": "",
        "language": "en",
    }
    data.update(overrides)
    return data


def csv_upload(rows, columns=COLUMNS, *, bom=False, delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(columns)
    for r in rows:
        writer.writerow([r.get(c, "") for c in columns])
    text = ("\ufeff" if bom else "") + out.getvalue()
    return SimpleUploadedFile("members.csv", text.encode("utf-8"), content_type="text/csv")


def xlsx_upload(rows, columns=COLUMNS, name="members.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(columns))
    for r in rows:
        sheet.append([r.get(c, "") for c in columns])
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def errors_of(preview):
    return {r.line: dict(r.errors) for r in preview.error_rows}


# --- Reading ----------------------------------------------------------------------------


def test_csv_with_bom_and_semicolons_reads_every_column(db):
    rows = member_import_read(csv_upload([row(1), row(2)], bom=True, delimiter=";"))
    assert [r["line"] for r in rows] == [2, 3]
    assert rows[0]["family_name"] == "Otieno1"
    assert rows[1]["passport_number"] == "AK0000002"
    assert set(rows[0]) == {"line", *COLUMNS}


def test_xlsx_excel_dates_and_numbers_become_iso_text(db):
    data = row(1, date_of_birth=dt.datetime(1979, 2, 3), passport_expiry=46000, protocol_rank=60)
    data["arrival"] = dt.datetime(2025, 10, 24, 9, 15)
    (read,) = member_import_read(xlsx_upload([data]))
    assert read["date_of_birth"] == "1979-02-03"
    # 46000 is Excel's serial for 2025-12-09.
    assert read["passport_expiry"] == "2025-12-09"
    assert read["arrival"] == "2025-10-24 09:15"
    assert read["protocol_rank"] == "60"


def test_missing_and_unknown_columns_are_named(db):
    columns = [c for c in COLUMNS if c not in ("gender", "passport_number")] + ["shoe_size"]
    with pytest.raises(DelegationError) as caught:
        member_import_read(csv_upload([row(1)], columns=columns))
    assert caught.value.code == "invalid_columns"
    assert "gender, passport_number" in caught.value.message
    assert "shoe_size" in caught.value.message


def test_columns_may_come_in_any_order_and_case(db):
    columns = list(reversed(COLUMNS))
    upload = csv_upload([row(1)], columns=columns)
    upload = SimpleUploadedFile("m.csv", upload.read().replace(b"family_name", b"Family Name"))
    (read,) = member_import_read(upload)
    assert read["family_name"] == "Otieno1"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Otieno;Brian\n".encode("utf-16"), "neither a CSV"),
        (b"\xff\xfe\xfa not utf-8", "UTF-8"),
        (b"PK\x03\x04 broken zip", "not a readable XLSX"),
        (b"", "empty"),
        (",".join(COLUMNS).encode(), "no members"),
        (b"%PDF-1.4\x00\x00binary", "neither a CSV"),
    ],
)
def test_unreadable_files_are_refused_by_content(db, content, message):
    with pytest.raises(DelegationError) as caught:
        member_import_read(SimpleUploadedFile("members.xlsx", content))
    assert caught.value.code == "invalid_file"
    assert message in caught.value.message


def test_file_over_the_size_limit_is_refused(db, monkeypatch):
    monkeypatch.setattr(imports, "MAX_BYTES", 1000)
    with pytest.raises(DelegationError, match="too large"):
        member_import_read(csv_upload([row(n) for n in range(20)]))


# --- Checking ---------------------------------------------------------------------------


def test_valid_rows_accept_labels_codes_and_country_names(delegation):
    rows = [
        row(1, protocol_rank="Minister", role="Head of delegation", gender="Female", nationality="Kenya"),
        row(2, protocol_rank="100", role="delegate", gender="male", nationality="KE", language="Français"),
    ]
    preview = member_import_check(delegation=delegation, rows=member_import_read(csv_upload(rows)))
    assert preview.ok, errors_of(preview)
    first, second = (r.values for r in preview.rows)
    assert (first["protocol_rank"], first["role"], first["gender"], first["nationality"]) == (
        ProtocolRank.MINISTER,
        MemberRole.HEAD,
        "female",
        "KE",
    )
    assert second["language"] == "fr"
    assert first["badge_name"] == "Brian Otieno1"


def test_bad_rows_get_field_messages_and_row_numbers(delegation):
    rows = [
        row(1),
        row(2, family_name="", gender="robot"),
        row(3, passport_expiry="2020-01-01"),
        row(4, date_of_birth="03/02/1979x", email="not-an-email"),
        row(5, nationality="Atlantis", protocol_rank="Emperor"),
        row(6, arrival="2025-10-27 10:00", departure="2025-10-24 10:00"),
    ]
    preview = member_import_check(delegation=delegation, rows=member_import_read(csv_upload(rows)))
    errors = errors_of(preview)
    assert set(errors) == {3, 4, 5, 6, 7}
    assert set(errors[3]) == {"family_name", "gender"}
    assert "expired" in errors[4]["passport_expiry"]
    assert set(errors[5]) == {"date_of_birth", "email"}
    assert set(errors[6]) == {"nationality", "protocol_rank"}
    assert "after the arrival" in errors[7]["departure"]
    assert not preview.ok
    assert preview.rows[0].values is not None and preview.rows[1].values is None


def test_duplicates_in_the_file_and_in_the_event(delegation):
    factories.MemberFactory(passport_number="AK0000009")
    rows = [row(1), row(2, passport_number="ak 000 0001"), row(9), row(3)]
    preview = member_import_check(delegation=delegation, rows=member_import_read(csv_upload(rows)))
    errors = errors_of(preview)
    assert set(errors) == {3, 4}
    assert "row 2" in errors[3]["passport_number"]
    assert "already registered" in errors[4]["passport_number"]


def test_two_heads_in_the_file_or_one_already_registered(delegation):
    rows = [row(1, role="head"), row(2, role="head")]
    preview = member_import_check(delegation=delegation, rows=member_import_read(csv_upload(rows)))
    assert set(errors_of(preview)) == {3}
    factories.MemberFactory(delegation=delegation, role=MemberRole.HEAD)
    preview = member_import_check(delegation=delegation, rows=member_import_read(csv_upload(rows[:1])))
    assert "already has a head" in errors_of(preview)[2]["role"]


def test_over_the_quota_is_a_file_error(delegation):
    factories.MemberFactory(delegation=delegation)
    rows = member_import_read(csv_upload([row(n) for n in range(5)]))
    preview = member_import_check(delegation=delegation, rows=rows)
    assert not preview.error_rows
    assert "quota is 5" in preview.file_error and "Remove 1 rows" in preview.file_error
    with pytest.raises(DelegationError) as caught:
        members_import(delegation=delegation, rows=rows, actor=None)
    assert caught.value.code == "quota_exceeded"
    assert Member.objects.filter(delegation=delegation).count() == 1


# --- Saving -----------------------------------------------------------------------------


def test_import_saves_all_members_and_one_audit_entry(delegation, focal_user):
    rows = member_import_read(xlsx_upload([row(1, role="head", protocol_rank="Head of State"), row(2)]))
    preview = members_import(delegation=delegation, rows=rows, actor=focal_user)
    members = list(Member.objects.filter(delegation=delegation).order_by("family_name"))
    assert [m.family_name for m in members] == ["Otieno1", "Otieno2"]
    assert members[0].role == MemberRole.HEAD and members[0].passport_number == "AK0000001"
    assert members[1].arrival == dt.datetime(2025, 10, 24, 2, 15, tzinfo=dt.UTC)
    assert len({m.agenda_token for m in members}) == 2
    # bulk_create skips Member.save(): the import fills the search column itself.
    assert [m.search_name for m in members] == [
        search_name_of(given_names=m.given_names, family_name=m.family_name, badge_name=m.badge_name)
        for m in members
    ]
    assert "otieno1" in members[0].search_name
    # Photos are not imported: only the head of State is exempt from one.
    assert [r.values["family_name"] for r in preview.without_photo] == ["Otieno2"]
    (entry,) = AuditEntry.objects.filter(action="member.import")
    assert (entry.target_id, entry.actor, entry.note) == (
        str(delegation.pk),
        focal_user,
        "2 members imported",
    )


def test_one_bad_row_saves_nothing(delegation):
    rows = member_import_read(csv_upload([row(1), row(2), row(3, gender="")]))
    with pytest.raises(DelegationError) as caught:
        members_import(delegation=delegation, rows=rows, actor=None)
    assert caught.value.code == "invalid_rows"
    assert not Member.objects.exists()
    assert not AuditEntry.objects.filter(action="member.import").exists()


def test_saving_rechecks_rows_that_went_stale_after_the_preview(delegation):
    rows = member_import_read(csv_upload([row(1), row(2)]))
    assert member_import_check(delegation=delegation, rows=rows).ok
    factories.MemberFactory(passport_number="AK0000002")
    with pytest.raises(DelegationError, match="1 rows have errors"):
        members_import(delegation=delegation, rows=rows, actor=None)
    assert not Member.objects.filter(delegation=delegation).exists()


def test_rows_tampered_with_are_checked_like_any_other(delegation):
    rows = member_import_read(csv_upload([row(1)]))
    rows[0]["passport_expiry"] = "1999-01-01"
    rows[0]["is_locked"] = "1"
    with pytest.raises(DelegationError):
        members_import(delegation=delegation, rows=rows, actor=None)
    rows[0]["passport_expiry"] = "2032-01-31"
    members_import(delegation=delegation, rows=rows, actor=None)
    assert Member.objects.get().is_locked is False


def _import_queries(delegation, n):
    rows = member_import_read(csv_upload([row(n * 1000 + i) for i in range(n)]))
    with CaptureQueriesContext(connection) as queries:
        members_import(delegation=delegation, rows=rows, actor=None)
    assert Member.objects.filter(delegation=delegation).count() == n
    return [q["sql"] for q in queries.captured_queries]


def test_query_count_does_not_grow_with_rows(db):
    counts = {}
    for n in (10, 100):
        delegation = factories.DelegationFactory(badge_quota=200)
        sql = _import_queries(delegation, n)
        inserts = [s for s in sql if s.startswith('INSERT INTO "delegations_member"')]
        # SQLite caps one INSERT at 999 parameters (39 members); PostgreSQL takes them in one.
        batch = connection.ops.bulk_batch_size([f.name for f in Member._meta.concrete_fields], [None] * n)
        assert len(inserts) == -(-n // min(batch, imports._BATCH_SIZE))
        counts[n] = len(sql) - len(inserts)
    # Savepoints, the delegation's lock, passports, member counts, the audit chain's head
    # (read before each audit write) and the audit entry.
    assert counts[10] == counts[100] == 9


def test_a_5000_row_file_validates_and_imports(db):
    delegation = factories.DelegationFactory(badge_quota=5000)
    rows = [row(i, role="head" if i == 0 else "delegate") for i in range(5000)]
    rows[10]["nationality"] = "France"
    read = member_import_read(xlsx_upload(rows))
    assert len(read) == 5000
    preview = members_import(delegation=delegation, rows=read, actor=None)
    assert len(preview.rows) == 5000
    assert Member.objects.filter(delegation=delegation).count() == 5000
    assert Member.objects.get(passport_hash=passport_hash_of("AK0000010")).nationality == "FR"


def test_the_templates_hold_the_columns_and_a_valid_example(delegation):
    csv_rows = member_import_read(SimpleUploadedFile("t.csv", imports.member_import_template_csv()))
    workbook = load_workbook(io.BytesIO(imports.member_import_template_xlsx()))
    assert [c.value for c in workbook.active[1]] == list(COLUMNS)
    xlsx_rows = member_import_read(SimpleUploadedFile("t.xlsx", imports.member_import_template_xlsx()))
    assert csv_rows == xlsx_rows
    assert member_import_check(delegation=delegation, rows=csv_rows).ok
    # The name order is not a column: it comes from the nationality.
    assert set(COLUMNS) | {"family_name_first"} == set(imports.services.MEMBER_FIELDS)


def test_blank_lines_are_skipped_and_row_numbers_stay_the_spreadsheets(delegation):
    text = csv_upload([row(1), {}, row(2, gender="")]).read().decode()
    assert ",,,," in text
    rows = member_import_read(SimpleUploadedFile("m.csv", text.encode()))
    assert [r["line"] for r in rows] == [2, 4]
    assert set(errors_of(member_import_check(delegation=delegation, rows=rows))) == {4}


def test_empty_rank_role_and_language_take_the_forms_defaults(delegation):
    rows = member_import_read(csv_upload([row(1, protocol_rank="", role="", language="", gender="")]))
    (checked,) = member_import_check(delegation=delegation, rows=rows).rows
    assert checked.errors == [("gender", "This field is required.")]
    rows[0]["gender"] = "other"
    (checked,) = member_import_check(delegation=delegation, rows=rows).rows
    assert (checked.values["protocol_rank"], checked.values["role"], checked.values["language"]) == (
        ProtocolRank.OTHER,
        MemberRole.DELEGATE,
        "en",
    )


def test_a_passport_taken_by_a_concurrent_write_saves_nothing(delegation, monkeypatch):
    rows = member_import_read(csv_upload([row(1), row(2)]))
    factories.MemberFactory(passport_number="AK0000002")
    # As if the other write committed between the check and the INSERT: the public seam is
    # the selector the check reads registered passports through.
    monkeypatch.setattr(imports, "passports_registered", lambda numbers: set())
    with pytest.raises(DelegationError) as caught:
        members_import(delegation=delegation, rows=rows, actor=None)
    assert caught.value.code == "conflict"
    assert not Member.objects.filter(delegation=delegation).exists()
    assert not AuditEntry.objects.filter(action="member.import").exists()
