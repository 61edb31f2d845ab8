"""Writing the exports: CSV with a byte-order mark, XLSX that reads back with real dates,
cells a spreadsheet would run defused, rows read in a fixed number of queries."""

import datetime as dt

import pytest

from hanoi_summit.secretariat.documents.tasks import document_job_run_task
from tests import factories as f
from tests.hanoi_summit.secretariat.exports.downloads import (
    DOCUMENT_PAGE,
    column,
    downloaded,
    read_csv,
    read_xlsx,
)

pytestmark = pytest.mark.django_db


def test_members_xlsx_reads_back(secretariat_client, minister):
    response = downloaded(secretariat_client.get("/dashboard/exports/members.xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = read_xlsx(response)
    assert column(rows, "Name on the badge") == ["Nguyễn Thị Thu Hà"]
    assert column(rows, "Passport number") == ["C1234567"]
    assert column(rows, "Date of birth")[0].date() == dt.date(1970, 3, 8)


def test_cells_that_a_spreadsheet_would_run_are_defused(secretariat_client, viet_nam):
    f.MemberFactory(
        delegation=viet_nam, photo="", function='=HYPERLINK("http://evil.example")', phone="+84 24 3825 1234"
    )
    rows = read_csv(secretariat_client.get("/dashboard/exports/members.csv"))
    assert column(rows, "Function") == ['\'=HYPERLINK("http://evil.example")']
    # A phone number keeps its leading plus.
    assert column(rows, "Phone") == ["+84 24 3825 1234"]
    xlsx = read_xlsx(secretariat_client.get("/dashboard/exports/members.xlsx"))
    assert column(xlsx, "Function")[0].startswith("'=")


@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize("kind", ["delegations", "members", "bookings", "badges", "scans"])
def test_query_count_does_not_grow_with_the_rows(client, django_assert_num_queries, n, kind):
    for _ in range(n):
        badge = f.BadgeFactory(accreditation__member__photo="")
        member = badge.accreditation.member
        f.BookingFactory(member=member)
        f.ScanFactory(badge=badge)
    client.force_login(f.StaffUserFactory(role="Secretariat"))
    started = client.get(f"/dashboard/exports/{kind}.csv")
    job_id = int(started.url.removeprefix(DOCUMENT_PAGE).strip("/"))
    # The job and its user; "running"; the user's and group permissions; one for the rows;
    # the total, "done" and the job read back: none grows with the rows.
    with django_assert_num_queries(8):
        document_job_run_task(job_id)
    rows = read_csv(client.get(f"{DOCUMENT_PAGE}{job_id}/download"))
    assert len(rows) == 1 + n
