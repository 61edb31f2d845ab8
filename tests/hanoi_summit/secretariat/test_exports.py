"""CSV and XLSX exports: content, filters as in the admin lists, masking by role, permissions,
the admin action, and a query count that does not grow with the rows."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import timezone

from accreditation.models import AccreditationStatus as S
from accreditation.models import Direction, Scan, ScanResult
from delegations.models import DelegationKind as K
from delegations.models import DelegationStatus, Member
from hanoi_summit.secretariat.exports.actions import export_action
from sessions.models import BookingStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def read_xlsx(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[("" if v is None else v) for v in row] for row in sheet.iter_rows(values_only=True)]


def column(rows, header):
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


@pytest.fixture
def viet_nam():
    return f.DelegationFactory(
        kind=K.HOST_COUNTRY, country="VN", name="Viet Nam", code="vnm", status=DelegationStatus.CONFIRMED
    )


@pytest.fixture
def minister(viet_nam):
    member = f.MemberFactory(
        delegation=viet_nam,
        family_name="Nguyễn",
        given_names="Thị Thu Hà",
        badge_name="Nguyễn Thị Thu Hà",
        passport_number="C1234567",
        date_of_birth=dt.date(1970, 3, 8),
        photo="",
    )
    f.AccreditationFactory(member=member, status=S.APPROVED, category=f.CategoryFactory(code="VIP"))
    return member


def test_members_csv_for_the_secretariat_shows_passports(secretariat_client, minister):
    rows = read_csv(secretariat_client.get("/dashboard/exports/members.csv"))
    assert rows[0][:3] == ["Delegation", "Title", "Family name"]
    assert column(rows, "Family name") == ["Nguyễn"]
    assert column(rows, "Passport number") == ["C1234567"]
    assert column(rows, "Date of birth") == ["1970-03-08"]
    assert column(rows, "Accreditation") == ["Approved by the secretariat"]
    assert column(rows, "Category") == ["VIP"]


def test_members_export_masks_passports_for_roles_without_the_permission(client, minister):
    # Protocol officers see members but not passports.
    client.force_login(f.StaffUserFactory(role="Protocol officer"))
    rows = read_csv(client.get("/dashboard/exports/members.csv"))
    assert column(rows, "Passport number") == [minister.masked_passport]
    assert column(rows, "Passport number")[0].endswith("567")
    assert "C1234567" not in str(rows)
    assert column(rows, "Date of birth") == [""]
    assert column(rows, "Passport expiry") == [""]


def test_members_xlsx_reads_back(secretariat_client, minister):
    response = secretariat_client.get("/dashboard/exports/members.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = read_xlsx(response)
    assert column(rows, "Name on the badge") == ["Nguyễn Thị Thu Hà"]
    assert column(rows, "Passport number") == ["C1234567"]
    assert column(rows, "Date of birth")[0].date() == dt.date(1970, 3, 8)


def test_xlsx_masks_too(client, minister):
    client.force_login(f.StaffUserFactory(role="Protocol officer"))
    rows = read_xlsx(client.get("/dashboard/exports/members.xlsx"))
    assert column(rows, "Passport number") == [minister.masked_passport]


def test_members_filtered_like_the_admin_list(secretariat_client, minister):
    other = f.MemberFactory(photo="", family_name="Durand")
    f.AccreditationFactory(member=other, status=S.SUBMITTED)
    by_short_name = read_csv(secretariat_client.get("/dashboard/exports/members.csv?status=approved"))
    assert column(by_short_name, "Family name") == ["Nguyễn"]
    by_admin_name = read_csv(
        secretariat_client.get("/dashboard/exports/members.csv?accreditation__status__exact=submitted")
    )
    assert column(by_admin_name, "Family name") == ["Durand"]
    by_delegation = read_csv(
        secretariat_client.get(
            f"/dashboard/exports/members.csv?delegation__id__exact={other.delegation_id}&o=1"
        )
    )
    assert column(by_delegation, "Family name") == ["Durand"]
    searched = read_csv(secretariat_client.get("/dashboard/exports/members.csv?q=durand"))
    assert column(searched, "Family name") == ["Durand"]
    # The member admin's own filters: protocol rank and locked.
    minister.protocol_rank = 60
    minister.is_locked = True
    minister.save()
    ranked = read_csv(
        secretariat_client.get("/dashboard/exports/members.csv?protocol_rank__exact=60&is_locked__exact=1")
    )
    assert column(ranked, "Family name") == ["Nguyễn"]


def test_delegations_filtered_by_kind_and_status(secretariat_client, viet_nam):
    f.DelegationFactory(name="Helpful NGO", status=DelegationStatus.CONFIRMED)
    f.StateDelegationFactory(country="FR", name="France", status=DelegationStatus.REGISTERED)
    rows = read_csv(
        secretariat_client.get(
            "/dashboard/exports/delegations.csv?kind__in=host_country,member_state&status__exact=confirmed"
        )
    )
    assert column(rows, "Name") == ["Viet Nam"]
    assert column(rows, "Country") == ["VN"]


@pytest.mark.parametrize(
    "query",
    ["status=nonsense", "delegation=abc", "colour=red", "kind__in=member_state,planet"],
)
def test_a_bad_filter_is_a_clear_400_not_a_bigger_export(secretariat_client, minister, query):
    response = secretariat_client.get(f"/dashboard/exports/members.csv?{query}")
    assert response.status_code == 400
    assert response.content.decode().strip()


def test_bookings_badges_and_scans(secretariat_client, minister):
    session = f.SessionFactory(title="Roundtable on e-evidence")
    f.BookingFactory(session=session, member=minister, status=BookingStatus.CONFIRMED)
    f.BookingFactory(member=minister, status=BookingStatus.WAITLISTED)
    bookings = read_csv(secretariat_client.get(f"/dashboard/exports/bookings.csv?session={session.pk}"))
    assert column(bookings, "Session") == ["Roundtable on e-evidence"]
    assert column(bookings, "Status") == ["Confirmed"]

    printed = f.BadgeFactory(printed_at=timezone.now(), number=501)
    f.BadgeFactory(number=502)
    badges = read_csv(secretariat_client.get("/dashboard/exports/badges.csv?printed=yes"))
    assert column(badges, "Number") == ["501"]

    zone = f.ZoneFactory(code="PLN")
    f.ScanFactory(badge=printed, zone=zone, direction=Direction.IN, result=ScanResult.GRANTED)
    old = f.ScanFactory(badge=printed, zone=zone, direction=Direction.OUT)
    Scan.objects.filter(pk=old.pk).update(scanned_at=timezone.now() - dt.timedelta(days=3))
    today = timezone.localdate().isoformat()
    scans = read_xlsx(secretariat_client.get(f"/dashboard/exports/scans.xlsx?date={today}&zone={zone.pk}"))
    assert column(scans, "Direction") == ["In"]
    assert column(scans, "Badge") == [str(printed)]
    # The scan admin's "Today" date filter, as its link writes it.
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    admin_today = read_csv(
        secretariat_client.get(
            "/dashboard/exports/scans.csv",
            {"scanned_at__gte": str(midnight), "scanned_at__lt": str(midnight + dt.timedelta(days=1))},
        )
    )
    assert column(admin_today, "Direction") == ["In"]
    assert secretariat_client.get("/dashboard/exports/scans.csv?scanned_at__gte=soon").status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "scanned_at__gte=2025-02-30",
        "scanned_at__lt=2025-02-30 10:00:00",
        "scanned_at__year=0",
        "scanned_at__year=99999",
        "scanned_at__month=13",
        "zone=99999999999999999999999",
        "zone=0",
    ],
)
def test_impossible_dates_and_numbers_are_a_400_not_a_500(secretariat_client, query):
    response = secretariat_client.get(f"/dashboard/exports/scans.csv?{query}")
    assert response.status_code == 400
    assert response.content.decode().strip()


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


@pytest.mark.parametrize(
    ("role", "kind", "status"),
    [
        ("Gate officer", "members", 403),
        ("Gate officer", "scans", 403),
        ("Security officer", "delegations", 403),
        ("Protocol officer", "scans", 200),
    ],
)
def test_each_export_needs_its_view_permission(client, role, kind, status):
    client.force_login(f.StaffUserFactory(role=role))
    assert client.get(f"/dashboard/exports/{kind}.csv").status_code == status


def test_focal_points_and_strangers_get_nothing(client, minister):
    assert client.get("/dashboard/exports/members.csv").status_code == 302
    client.force_login(f.FocalPointFactory(delegation=minister.delegation).user)
    assert client.get("/dashboard/exports/members.csv").status_code == 403


def test_unknown_export_or_format_is_404(secretariat_client):
    assert secretariat_client.get("/dashboard/exports/passports.csv").status_code == 404
    assert secretariat_client.get("/dashboard/exports/members.pdf").status_code == 404


def test_admin_action_exports_the_selected_rows(minister, secretariat_user):
    skipped = f.MemberFactory(photo="", family_name="Skipped")
    action = export_action("members", "csv")
    request = RequestFactory().post("/admin/delegations/member/")
    request.user = secretariat_user
    response = action(None, request, Member.objects.filter(pk=minister.pk))
    rows = read_csv(response)
    assert column(rows, "Family name") == ["Nguyễn"]
    assert skipped.family_name not in str(rows)
    assert action.allowed_permissions == ("view",)
    assert "CSV" in str(action.short_description)


def test_admin_action_refuses_a_user_without_the_permission(minister):
    action = export_action("members", "xlsx")
    request = RequestFactory().post("/admin/delegations/member/")
    request.user = f.StaffUserFactory(role="Gate officer")
    with pytest.raises(PermissionDenied):
        action(None, request, Member.objects.all())


@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize("kind", ["delegations", "members", "bookings", "badges", "scans"])
def test_query_count_does_not_grow_with_the_rows(client, django_assert_num_queries, n, kind):
    for _ in range(n):
        badge = f.BadgeFactory(accreditation__member__photo="")
        member = badge.accreditation.member
        f.BookingFactory(member=member)
        f.ScanFactory(badge=badge)
    client.force_login(f.StaffUserFactory(role="Secretariat"))
    # session, user, user's and group permissions, then one for the rows.
    with django_assert_num_queries(5):
        rows = read_csv(client.get(f"/dashboard/exports/{kind}.csv"))
    assert len(rows) == 1 + n
