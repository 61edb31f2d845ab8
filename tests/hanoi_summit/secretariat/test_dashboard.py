"""The secretariat dashboard: its figures against a known data set, who may see it, and a
query count that does not grow with the data."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accreditation.models import AccreditationStatus as S
from accreditation.models import Direction, Scan, ScanResult
from accreditation.selectors import zone_occupancy
from delegations.models import DelegationKind as K
from delegations.models import DelegationStatus
from hanoi_summit.core.models import EmailStatus
from hanoi_summit.secretariat.dashboard import figures as dashboard
from sessions.models import BookingMode, BookingStatus
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/dashboard/"


def _member(delegation, **kwargs):
    return f.MemberFactory(delegation=delegation, photo="", **kwargs)


def _accreditation(delegation, status, **kwargs):
    return f.AccreditationFactory(member=_member(delegation), status=status, **kwargs)


@pytest.fixture
def event():
    """A small event whose every figure is known (see the assertions)."""
    now = timezone.now()
    d = {}
    for key, kind, status, country in [
        ("vn", K.HOST_COUNTRY, DelegationStatus.CONFIRMED, "VN"),
        ("fr", K.MEMBER_STATE, DelegationStatus.CONFIRMED, "FR"),
        ("de", K.MEMBER_STATE, DelegationStatus.CONFIRMED, "DE"),
        ("jp", K.MEMBER_STATE, DelegationStatus.REGISTERED, "JP"),
        ("br", K.MEMBER_STATE, DelegationStatus.WITHDRAWN, "BR"),
        ("ch", K.OBSERVER_STATE, DelegationStatus.CONFIRMED, "CH"),
        ("eu", K.REIO, DelegationStatus.CONFIRMED, ""),
        ("unodc", K.UN_ENTITY, DelegationStatus.CONFIRMED, ""),
        ("interpol", K.IGO, DelegationStatus.REGISTERED, ""),
        ("ngo", K.NGO, DelegationStatus.INVITED, ""),
    ]:
        d[key] = f.DelegationFactory(kind=kind, status=status, country=country, code=key, name=key.upper())

    for status, n in [
        (S.DRAFT, 1),
        (S.SUBMITTED, 2),
        (S.UNDER_REVIEW, 1),
        (S.RETURNED, 1),
        (S.CLEARED, 1),
        (S.REFUSED, 1),
        (S.PRINTED, 1),
        (S.COLLECTED, 2),
    ]:
        for _ in range(n):
            _accreditation(d["fr"], status)
    # Waiting for security for 1, 3 and 10 hours: oldest 10 h, median 3 h.
    for hours in (1, 3, 10):
        _accreditation(d["fr"], S.APPROVED, reviewed_at=now - dt.timedelta(hours=hours))

    open_small = f.SessionFactory(capacity=10, title="Roundtable A")
    open_room = f.SessionFactory(capacity=None, room=f.RoomFactory(capacity=50), title="Roundtable B")
    closed = f.SessionFactory(booking_mode=BookingMode.NONE, title="Opening")
    f.SessionFactory(is_cancelled=True, title="Cancelled roundtable")
    for session, status, n in [
        (open_small, BookingStatus.CONFIRMED, 3),
        (open_small, BookingStatus.WAITLISTED, 1),
        (open_small, BookingStatus.CANCELLED, 1),
        (open_room, BookingStatus.CONFIRMED, 2),
        (closed, BookingStatus.CONFIRMED, 1),
    ]:
        for _ in range(n):
            f.BookingFactory(session=session, member=_member(d["de"]), status=status)

    f.SignatureFactory(delegation=d["vn"], signed_at=now, slot_order=1, signatory__photo="")
    f.SignatureFactory(delegation=d["fr"], slot_order=2, signatory__photo="")
    f.SignatureFactory(delegation=d["de"], signatory__photo="")
    f.SignatureFactory(delegation=d["jp"], intends_to_sign=False, signatory__photo="")
    f.SignatureFactory(delegation=d["eu"], signed_at=now, signatory__photo="")

    plenary = f.ZoneFactory(code="PLN", name="Plenary hall", capacity=100, sort_order=1)
    vip = f.ZoneFactory(code="VIP", name="VIP lounge", sort_order=2)
    f.ZoneFactory(code="BNQ", name="Banquet hall", sort_order=3)
    badge = f.BadgeFactory(
        accreditation=_accreditation(d["fr"], S.COLLECTED), category=f.CategoryFactory(code="DEL")
    )
    for zone, direction, result, n in [
        (plenary, Direction.IN, ScanResult.GRANTED, 5),
        (plenary, Direction.OUT, ScanResult.GRANTED, 2),
        (plenary, Direction.IN, ScanResult.DENIED, 1),
        (vip, Direction.IN, ScanResult.GRANTED, 1),
    ]:
        for _ in range(n):
            f.ScanFactory(badge=badge, zone=zone, direction=direction, result=result)
    yesterday = f.ScanFactory(badge=badge, zone=vip, direction=Direction.IN)
    Scan.objects.filter(pk=yesterday.pk).update(scanned_at=now - dt.timedelta(days=1, hours=1))

    for status, n in [
        (EmailStatus.QUEUED, 2),
        (EmailStatus.SENDING, 1),
        (EmailStatus.FAILED, 1),
        (EmailStatus.SENT, 3),
    ]:
        for _ in range(n):
            f.OutgoingEmailFactory(status=status)
    return d


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
        _accreditation(delegation, S.APPROVED, reviewed_at=now - dt.timedelta(hours=hours))
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


def test_page_shows_the_figures_and_links_to_the_filtered_lists(secretariat_client, event):
    response = secretariat_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["delegations"].countries_confirmed == 4
    assert response.context["signatures"].signed == 2
    assert response.context["inside_total"] == 4
    assert 'data-figure="countries-confirmed"' in html
    # Each figure links to the admin list behind it, filtered.
    assert "/admin/accreditation/accreditation/?status__exact=approved" in html
    assert "/admin/hanoi_summit/outgoingemail/?status__exact=failed" in html
    assert "/admin/accreditation/scan/?zone__id__exact=" in html
    # Charts are inline SVG, drawn on the server.
    assert html.count("<svg") >= 4
    assert "Roundtable A" in html
    assert "3 / 10 (+1)" in html


def test_charts_stay_valid_svg_in_french(secretariat_client, event):
    """Decimal commas would break the SVG coordinates in a French page."""
    secretariat_client.cookies["django_language"] = "fr"
    html = secretariat_client.get(URL, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    import re

    widths = re.findall(r'<rect x="[^"]*" y="[^"]*" width="([^"]*)"', html)
    assert widths
    assert all("," not in w for w in widths)


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("role", ["Gate officer", "Security officer", "Protocol officer"])
def test_other_staff_roles_are_refused(client, role):
    client.force_login(f.StaffUserFactory(role=role))
    assert client.get(URL).status_code == 403


def test_focal_point_is_refused(client):
    focal_point = f.FocalPointFactory()
    client.force_login(focal_point.user)
    assert client.get(URL).status_code == 403


def test_superuser_sees_it(client, superuser):
    client.force_login(superuser)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["delegations"].total == 0


def _grow(n):
    """n more of everything the dashboard counts."""
    for i in range(n):
        delegation = f.DelegationFactory(status=DelegationStatus.CONFIRMED)
        _accreditation(delegation, S.APPROVED, reviewed_at=timezone.now())
        _accreditation(delegation, S.SUBMITTED)
        session = f.SessionFactory()
        f.BookingFactory(session=session, member=_member(delegation))
        zone = f.ZoneFactory(code=f"G{i}")
        f.ScanFactory(zone=zone, badge=None)
        f.SignatureFactory(delegation=f.StateDelegationFactory(), signatory__photo="")
        f.OutgoingEmailFactory(status=EmailStatus.FAILED)


@pytest.mark.parametrize("n", [1, 3])
def test_query_count_does_not_grow_with_the_data(client, django_assert_num_queries, n):
    _grow(n)
    user = f.StaffUserFactory(role="Secretariat")
    client.force_login(user)
    # session, user, user's and group permissions, then 8 for the figures.
    with django_assert_num_queries(12):
        response = client.get(URL)
    assert response.context["delegations"].total == 2 * n
    assert response.context["backlog"].count == n


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
        dashboard.Accreditation.objects.filter(status=S.APPROVED).order_by("pk").first().delete()
        return result

    monkeypatch.setattr(QuerySet, "aggregate", aggregate_then_clear_one)
    backlog = dashboard.vetting_backlog()
    assert backlog.count == 2 and backlog.median is not None
