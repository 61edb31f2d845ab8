"""The dashboard's figures against a known event (the `event` fixture of conftest.py)."""

import datetime as dt

import pytest
from django.utils import timezone

from accreditation.models import Accreditation, Scan
from accreditation.models import AccreditationStatus as S
from accreditation.selectors import zone_occupancy
from delegations.models import DelegationKind as K
from delegations.models import DelegationStatus
from hanoi_summit.secretariat.dashboard import figures as dashboard
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_delegations_by_kind_and_status_and_countries_confirmed(event):
    figures = dashboard.delegation_figures()
    assert figures.total == 10
    assert figures.by_kind[K.MEMBER_STATE] == {"invited": 0, "registered": 1, "confirmed": 2, "withdrawn": 1}
    assert figures.by_kind[K.MEDIA] == {"invited": 0, "registered": 0, "confirmed": 0, "withdrawn": 0}
    # Viet Nam, France, Germany and Switzerland (observer): the EU and UNODC are no countries.
    assert figures.countries_confirmed == 4
    assert figures.by_status[DelegationStatus.CONFIRMED] == 6


def test_accreditation_funnel_counts_current_statuses_and_stages(event):
    figures = dashboard.accreditation_figures()
    assert figures.by_status[S.SUBMITTED] == 2
    assert figures.by_status[S.APPROVED] == 3
    assert figures.by_status[S.COLLECTED] == 3  # two plus the badge holder
    assert figures.by_status[S.DRAFT] == 1
    assert dict(figures.stages) == {
        "submitted": 13,
        "approved": 9,
        "cleared": 5,
        "printed": 4,
        "collected": 3,
    }


def test_vetting_backlog_and_its_age(event):
    backlog = dashboard.vetting_backlog()
    assert backlog.count == 3
    assert dt.timedelta(hours=10) <= backlog.oldest < dt.timedelta(hours=10, minutes=1)
    assert dt.timedelta(hours=3) <= backlog.median < dt.timedelta(hours=3, minutes=1)


def test_vetting_backlog_median_of_an_even_count_is_halfway():
    now = timezone.now()
    delegation = f.DelegationFactory()
    for hours in (2, 4):
        f.AccreditationFactory(
            member__delegation=delegation,
            member__photo="",
            status=S.APPROVED,
            reviewed_at=now - dt.timedelta(hours=hours),
        )
    backlog = dashboard.vetting_backlog(now=now)
    assert backlog.median == dt.timedelta(hours=3)
    assert backlog.oldest == dt.timedelta(hours=4)


def test_empty_backlog_has_no_age():
    backlog = dashboard.vetting_backlog()
    assert (backlog.count, backlog.oldest, backlog.median) == (0, None, None)


def test_bookings_against_capacity_only_for_sessions_open_for_booking(event):
    rows = {row.session.title: row for row in dashboard.session_bookings()}
    assert set(rows) == {"Roundtable A", "Roundtable B"}
    assert (rows["Roundtable A"].confirmed, rows["Roundtable A"].waitlisted, rows["Roundtable A"].seats) == (
        3,
        1,
        10,
    )
    # No capacity of its own: the room's.
    assert (rows["Roundtable B"].confirmed, rows["Roundtable B"].seats) == (2, 50)
    assert rows["Roundtable A"].percent == 30


def test_signatories_so_far_and_planned(event):
    figures = dashboard.signature_figures()
    assert (figures.signed, figures.planned, figures.with_slot) == (2, 4, 2)


def test_inside_each_zone_counts_todays_granted_ins_minus_outs(event):
    inside = {row.zone.code: row.inside for row in zone_occupancy()}
    assert inside == {"PLN": 3, "VIP": 1, "BNQ": 0}


def test_emails_queued_and_failed(event):
    figures = dashboard.email_figures()
    assert (figures.queued, figures.failed) == (3, 1)


def _scan_at(zone, direction, moment):
    scan = f.ScanFactory(zone=zone, direction=direction)
    Scan.objects.filter(pk=scan.pk).update(scanned_at=moment)  # auto_now_add on create


def test_occupancy_counts_from_midnight_of_the_event_clocks_day(db, settings):
    """The day is the event clock's, in Hanoi: a pinned demo shows its morning's scans, and
    scans made since (the demo's own, at the real time) count too."""
    plenary = f.ZoneFactory(code="PLN")
    hanoi_morning = dt.datetime.fromisoformat("2025-10-25T09:00:00+07:00")
    _scan_at(plenary, "in", hanoi_morning)
    _scan_at(plenary, "in", hanoi_morning)
    _scan_at(plenary, "in", dt.datetime.fromisoformat("2025-10-24T23:30:00+07:00"))  # the eve
    f.ScanFactory(zone=plenary, direction="in")  # made now
    settings.EVENT_NOW = "2025-10-25T11:00:00+07:00"
    assert {row.zone.code: row.inside for row in zone_occupancy()} == {"PLN": 3}
    settings.EVENT_NOW = ""
    assert {row.zone.code: row.inside for row in zone_occupancy()} == {"PLN": 1}


def test_backlog_under_a_pinned_clock_never_goes_negative(db, settings):
    settings.EVENT_NOW = "2025-10-25T11:00:00+07:00"
    f.AccreditationFactory(status=S.APPROVED, reviewed_at=timezone.now())  # approved "later"
    backlog = dashboard.vetting_backlog()
    assert backlog.count == 1 and backlog.oldest == backlog.median == dt.timedelta(0)


def test_backlog_survives_a_request_cleared_between_its_two_queries(db, monkeypatch):
    """The count and the middle rows are two queries: vetting goes on between them."""
    from django.db.models.query import QuerySet

    for _ in range(2):
        f.AccreditationFactory(status=S.APPROVED, reviewed_at=timezone.now())
    aggregate = QuerySet.aggregate

    def aggregate_then_clear_one(self, *args, **kwargs):
        result = aggregate(self, *args, **kwargs)
        Accreditation.objects.filter(status=S.APPROVED).order_by("pk").first().delete()
        return result

    monkeypatch.setattr(QuerySet, "aggregate", aggregate_then_clear_one)
    backlog = dashboard.vetting_backlog()
    assert backlog.count == 2 and backlog.median is not None
