"""Bulk import of members: a 5,000-row file read, checked and saved, with the time of each step.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hanoi_bench_import \\
        .venv/bin/python bench/member_import.py [--rows 5000] [--no-append]

Use a database of its own: it is created if missing and migrated. A bench delegation gets
its quota raised to the row count; its members are removed before and after the run, so the
run can be repeated. The file is made in memory (XLSX and CSV, distinct passports), then:
reading each format, checking (the preview), saving (which checks again under the lock).
Queries are counted for the check and the save. Figures are appended to bench/RESULTS.md.
"""

import argparse
import csv
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ would come first on the path and its modules (bench/email.py)
# would shadow the standard library's: put the project root there instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

BENCH_DELEGATION = "bench-import"


class _Upload(io.BytesIO):
    name = "members"


def make_rows(count):
    import datetime as dt

    roles = ["delegate", "adviser", "Security officer", "interpreter"]
    countries = ["VNM", "France", "KE", "Japan", "BRA"]
    return [
        {
            "family_name": f"Nguyễn{n}",
            "given_names": "Thị Hương",
            "badge_name": "",
            "title": "Ms",
            "function": "Adviser, Ministry of Public Security",
            "protocol_rank": "Other",
            "role": roles[n % len(roles)],
            "gender": "female",
            "date_of_birth": dt.date(1970 + n % 30, 1 + n % 12, 1 + n % 28),
            "nationality": countries[n % len(countries)],
            "passport_number": f"BI{n:08d}",
            "passport_expiry": "2032-12-31",
            "email": f"member{n}@example.org",
            "phone": "+84 24 0000 0000",
            "arrival": "2025-10-24 14:30",
            "departure": "2025-10-27 10:00",
            "dietary_needs": "",
            "accessibility_needs": "",
            "language": "vi",
        }
        for n in range(count)
    ]


def as_xlsx(rows, columns):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row[c] for c in columns])
    out = _Upload()
    workbook.save(out)
    out.seek(0)
    return out


def as_csv(rows, columns):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row[c] for c in columns])
    return _Upload(text.getvalue().encode("utf-8"))


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--no-append", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to a dedicated PostgreSQL database (e.g. .../hanoi_bench_import).")
    from bench.checkin import ensure_database

    ensure_database(os.environ["DATABASE_URL"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hanoi_summit.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from delegations.imports.members import COLUMNS, member_import_check, member_import_read, members_import
    from delegations.models import Delegation, DelegationKind, Member, passport_hash_of

    call_command("migrate", verbosity=0)
    delegation, _ = Delegation.objects.update_or_create(
        code=BENCH_DELEGATION,
        defaults={"kind": DelegationKind.NGO, "name": "Bench import", "badge_quota": args.rows},
    )
    Member.objects.filter(delegation=delegation).delete()
    # Passports are encrypted: the bench's own ones are found by their keyed hashes.
    Member.objects.filter(
        passport_hash__in=[passport_hash_of(r["passport_number"]) for r in make_rows(args.rows)]
    ).delete()

    rows = make_rows(args.rows)
    xlsx, csv_file = as_xlsx(rows, COLUMNS), as_csv(rows, COLUMNS)
    read_xlsx, t_xlsx = timed(lambda: member_import_read(xlsx))
    read_csv, t_csv = timed(lambda: member_import_read(csv_file))
    assert len(read_xlsx) == len(read_csv) == args.rows
    with CaptureQueriesContext(connection) as check_queries:
        preview, t_check = timed(lambda: member_import_check(delegation=delegation, rows=read_xlsx))
    assert preview.ok, preview.error_rows[:3]
    with CaptureQueriesContext(connection) as save_queries:
        _, t_save = timed(lambda: members_import(delegation=delegation, rows=read_xlsx, actor=None))
    saved = Member.objects.filter(delegation=delegation).count()
    assert saved == args.rows
    Member.objects.filter(delegation=delegation).delete()

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        f"load average during the run: {load} (other work on the machine slows every figure)",
        f"{args.rows} rows: XLSX {xlsx.getbuffer().nbytes / 1024:.0f} KB, CSV {csv_file.getbuffer().nbytes / 1024:.0f} KB",
        f"read XLSX {t_xlsx:.2f} s, read CSV {t_csv:.2f} s",
        f"check (preview) {t_check:.2f} s in {len(check_queries)} queries",
        f"save (check again under the lock + bulk insert) {t_save:.2f} s in {len(save_queries)} queries",
        f"upload to saved, XLSX: {t_xlsx + t_check + t_save:.2f} s (the preview and the confirmation are two requests)",
    ]
    if args.no_append:
        print("\n".join(lines))
    else:
        from bench.results import append

        append("Bulk import of members (delegations/imports.py)", lines)


if __name__ == "__main__":
    main()
