"""The accreditation admin: zones, categories, accreditations, badges, batches and scans."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accreditation.models import AccreditationStatus, Scan, ScanReason, ScanResult
from delegations.models import DelegationKind
from tests import factories

pytestmark = pytest.mark.django_db


def changelist(model):
    return reverse(f"admin:accreditation_{model}_changelist")


@pytest.mark.parametrize("rows", [1, 3])
def test_zone_changelist_query_count(secretariat_client, django_assert_num_queries, rows):
    zones = [factories.ZoneFactory(code=f"Z{n}", name=f"Hall {n}") for n in range(rows)]

    with django_assert_num_queries(7):
        response = secretariat_client.get(changelist("zone"))

    html = response.content.decode()
    assert all(zone.name in html for zone in zones)


@pytest.mark.parametrize("rows", [1, 3])
def test_category_changelist_query_count(secretariat_client, django_assert_num_queries, rows):
    zones = [factories.ZoneFactory(code=f"Z{n}") for n in range(2)]
    categories = []
    for n in range(rows):
        category = factories.CategoryFactory(code=f"C{n}", name=f"Delegate {n}", colour="#1565C0")
        category.default_zones.set(zones)
        categories.append(category)

    with django_assert_num_queries(9):
        response = secretariat_client.get(changelist("category"))

    html = response.content.decode()
    assert all(category.name in html for category in categories)
    assert "Z0, Z1" in html
    assert "#1565C0" in html


def test_category_form_edits_default_zones_side_by_side(secretariat_client):
    category = factories.CategoryFactory()
    plenary = factories.ZoneFactory(code="PLN")

    page = secretariat_client.get(reverse("admin:accreditation_category_change", args=[category.pk]))
    response = secretariat_client.post(
        reverse("admin:accreditation_category_change", args=[category.pk]),
        {
            "code": category.code,
            "name": category.name,
            "colour": "#2E7D32",
            "text_colour": "#FFFFFF",
            "default_zones": [plenary.pk],
            "sort_order": 1,
        },
    )

    assert "selectfilter" in page.content.decode()
    assert response.status_code == 302
    assert list(category.default_zones.all()) == [plenary]


def _accreditation(n, category, status=AccreditationStatus.SUBMITTED):
    delegation = factories.DelegationFactory(name=f"Delegation {n}", kind=DelegationKind.NGO)
    member = factories.MemberFactory(
        delegation=delegation, family_name=f"Nguyen{n}", passport_number=f"B{n}7654321"
    )
    accreditation = factories.AccreditationFactory(member=member, category=category, status=status)
    accreditation.zones.set(category.default_zones.all())
    return accreditation


@pytest.mark.parametrize("rows", [1, 3])
def test_accreditation_changelist_query_count(secretariat_client, django_assert_num_queries, rows):
    category = factories.CategoryFactory(code="DEL")
    category.default_zones.set([factories.ZoneFactory(code="PLN"), factories.ZoneFactory(code="EXH")])
    accreditations = [_accreditation(n, category) for n in range(rows)]

    with django_assert_num_queries(9):
        response = secretariat_client.get(changelist("accreditation"))

    html = response.content.decode()
    for accreditation in accreditations:
        assert accreditation.member.family_name in html
        assert accreditation.member.delegation.name in html
        # Passport numbers never appear in a list, not even in part of a column.
        assert accreditation.member.passport_number not in html
    assert "Submitted" in html


def test_accreditation_filters_by_status_category_and_delegation_kind(secretariat_client):
    delegate = factories.CategoryFactory(code="DEL")
    media = factories.CategoryFactory(code="MED")
    submitted = _accreditation(1, delegate)
    approved = _accreditation(2, media, status=AccreditationStatus.APPROVED)
    state_member = factories.MemberFactory(delegation=factories.StateDelegationFactory())
    state = factories.AccreditationFactory(member=state_member, category=delegate)

    def shown(**params):
        response = secretariat_client.get(changelist("accreditation"), params)
        return set(response.context["cl"].result_list)

    assert shown(status__exact="approved") == {approved}
    assert shown(category__id__exact=media.pk) == {approved}
    assert shown(member__delegation__kind__exact="member_state") == {state}
    assert shown(q="Nguyen1") == {submitted}


def test_accreditations_are_read_only_in_the_admin(secretariat_client):
    category = factories.CategoryFactory(code="DEL")
    other = factories.CategoryFactory(code="OBS")
    accreditation = _accreditation(1, category)
    url = reverse("admin:accreditation_accreditation_change", args=[accreditation.pk])

    page = secretariat_client.get(url)
    response = secretariat_client.post(
        url, {"status": AccreditationStatus.COLLECTED, "category": other.pk, "zones": []}
    )

    # Shown with its category and zones, but decisions belong to the review screens.
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert "DEL - " in page.content.decode()
    assert response.status_code == 403
    accreditation.refresh_from_db()
    assert accreditation.category == category
    assert accreditation.status == AccreditationStatus.SUBMITTED
    assert secretariat_client.get(reverse("admin:accreditation_accreditation_add")).status_code == 403


@pytest.mark.parametrize("rows", [1, 3])
def test_badge_changelist_query_count(secretariat_client, django_assert_num_queries, rows):
    badges = factories.BadgeFactory.create_batch(rows, printed_at=timezone.now())

    with django_assert_num_queries(7):
        response = secretariat_client.get(changelist("badge"))

    html = response.content.decode()
    for badge in badges:
        assert str(badge.number) in html
        assert badge.accreditation.member.family_name in html
        assert badge.accreditation.member.passport_number not in html


def test_badge_filters_printed_and_revoked(secretariat_client):
    printed = factories.BadgeFactory(printed_at=timezone.now())
    revoked = factories.BadgeFactory(revoked_at=timezone.now(), revoked_reason="Lost")
    fresh = factories.BadgeFactory()

    def shown(**params):
        return set(secretariat_client.get(changelist("badge"), params).context["cl"].result_list)

    assert shown(printed="yes") == {printed}
    assert shown(printed="no") == {revoked, fresh}
    assert shown(revoked="yes") == {revoked}


def test_badges_are_read_only_in_the_admin(secretariat_client, client, superuser):
    badge = factories.BadgeFactory()
    client.force_login(superuser)
    url = reverse("admin:accreditation_badge_change", args=[badge.pk])

    response = client.post(url, {"number": 1, "version": 9})

    assert response.status_code == 403
    badge.refresh_from_db()
    assert badge.version == 1


@pytest.mark.parametrize("rows", [1, 3])
def test_print_batch_changelist_query_count(secretariat_client, django_assert_num_queries, rows):
    batches = factories.PrintBatchFactory.create_batch(rows, total=40, created_by=factories.UserFactory())

    with django_assert_num_queries(9):
        response = secretariat_client.get(changelist("printbatch"))

    assert len(response.context["cl"].result_list) == len(batches)
    assert batches[0].created_by.username in response.content.decode()


@pytest.mark.parametrize("rows", [1, 3])
def test_scan_changelist_query_count(secretariat_client, django_assert_num_queries, rows):
    zone = factories.ZoneFactory(code="PLN", name="Plenary hall")
    officer = factories.StaffUserFactory(role="Gate officer", username="gate1")
    scans = [
        factories.ScanFactory(
            zone=zone, officer=officer, result=ScanResult.DENIED, reason=ScanReason.WRONG_ZONE
        )
        for _ in range(rows)
    ]
    factories.ScanFactory(badge=None, zone=zone, result=ScanResult.DENIED, reason=ScanReason.UNKNOWN)

    with django_assert_num_queries(7):
        response = secretariat_client.get(changelist("scan"))

    html = response.content.decode()
    for scan in scans:
        assert scan.badge.accreditation.member.family_name in html
    assert "Not valid for this zone" in html
    assert "gate1" in html


def test_scans_filter_by_zone_and_result_and_cannot_be_changed(secretariat_client, client, superuser):
    plenary = factories.ZoneFactory(code="PLN")
    vip = factories.ZoneFactory(code="VIP")
    granted = factories.ScanFactory(zone=plenary)
    denied = factories.ScanFactory(zone=vip, result=ScanResult.DENIED, reason=ScanReason.REVOKED)

    by_zone = secretariat_client.get(changelist("scan"), {"zone__id__exact": vip.pk})
    by_result = secretariat_client.get(changelist("scan"), {"result__exact": "granted"})
    client.force_login(superuser)
    delete = client.post(reverse("admin:accreditation_scan_delete", args=[granted.pk]), {"post": "yes"})

    assert list(by_zone.context["cl"].result_list) == [denied]
    assert list(by_result.context["cl"].result_list) == [granted]
    assert delete.status_code == 403
    assert Scan.objects.filter(pk=granted.pk).exists()


@pytest.mark.parametrize(
    ("factory", "model"),
    [
        (factories.ZoneFactory, "zone"),
        (factories.CategoryFactory, "category"),
        (factories.AccreditationFactory, "accreditation"),
        (factories.BadgeFactory, "badge"),
        (factories.PrintBatchFactory, "printbatch"),
        (factories.ScanFactory, "scan"),
    ],
)
def test_detail_pages_open_for_the_secretariat(secretariat_client, factory, model):
    obj = factory()

    response = secretariat_client.get(reverse(f"admin:accreditation_{model}_change", args=[obj.pk]))

    assert response.status_code == 200
    assert escape(str(obj)) in response.content.decode()


def test_badge_page_shows_the_text_of_its_qr_code(client):
    from accreditation.badges import codes

    badge = factories.BadgeFactory()
    # To those who print badges (tests/security/test_least_privilege.py: no one else).
    client.force_login(factories.StaffUserFactory(role="Protocol officer"))
    response = client.get(reverse("admin:accreditation_badge_change", args=[badge.pk]))

    assert response.status_code == 200
    text = codes.badge_code(badge)
    assert text in response.content.decode()
    assert codes.decode(text).number == badge.number
