"""The exports' filters: the admin lists' query strings give the same rows, and a filter or a
value the export cannot read is a clear 400, never a bigger export or a 500."""

import datetime as dt

import pytest
from django.utils import timezone

from accreditation.models import AccreditationStatus as S
from accreditation.models import Direction, Scan, ScanResult
from delegations.models import DelegationStatus
from sessions.models import BookingStatus
from tests import factories as f
from tests.hanoi_summit.secretariat.exports.downloads import column, read_csv, read_xlsx

pytestmark = pytest.mark.django_db


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
