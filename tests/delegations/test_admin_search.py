"""The admin's searches find people by name whatever the accents, in a constant number of
queries (delegations.admin.MemberNameSearch)."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def _results(client, model, term):
    response = client.get(reverse(f"admin:{model}_changelist"), {"q": term})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


@pytest.fixture
def dvorak():
    member = factories.MemberFactory(family_name="Dvořák", given_names="Antonín", badge_name="A. Dvořák")
    accreditation = factories.AccreditationFactory(member=member)
    badge = factories.BadgeFactory(accreditation=accreditation)
    scan = factories.ScanFactory(badge=badge, device="gate-north-3")
    return member, accreditation, badge, scan


@pytest.mark.parametrize("rows", [1, 6])
def test_every_admin_search_finds_the_unaccented_name(secretariat_client, dvorak, rows):
    for _ in range(rows):
        factories.BadgeFactory(accreditation=factories.AccreditationFactory())
    member, accreditation, badge, scan = dvorak
    assert _results(secretariat_client, "delegations_member", "dvorak") == [member]
    assert _results(secretariat_client, "accreditation_accreditation", "DVORAK") == [accreditation]
    assert _results(secretariat_client, "accreditation_badge", "antonin dvorak") == [badge]
    assert _results(secretariat_client, "accreditation_scan", "dvořák") == [scan]


def test_the_admin_still_searches_delegations_numbers_and_devices(secretariat_client, dvorak):
    member, accreditation, badge, scan = dvorak
    factories.MemberFactory(delegation=factories.DelegationFactory(name="Czechia"))
    assert member in _results(secretariat_client, "delegations_member", member.delegation.code)
    assert member in _results(secretariat_client, "delegations_member", member.delegation.name[2:8])
    assert accreditation in _results(
        secretariat_client, "accreditation_accreditation", member.delegation.code
    )
    assert _results(secretariat_client, "accreditation_badge", str(badge.number)) == [badge]
    assert _results(secretariat_client, "accreditation_scan", str(badge.number)) == [scan]
    assert _results(secretariat_client, "accreditation_scan", scan.device[:5]) == [scan]
    assert _results(secretariat_client, "delegations_member", "nobody") == []


@pytest.mark.parametrize("rows", [2, 12])
def test_member_search_query_count_is_constant(secretariat_client, django_assert_num_queries, rows):
    for _ in range(rows):
        factories.MemberFactory(family_name="Nguyễn")
    # The same whatever the number of matches: the changelist's own (one count only:
    # show_full_result_count), and one look-up of the delegations the term names.
    with django_assert_num_queries(7):
        response = secretariat_client.get(reverse("admin:delegations_member_changelist"), {"q": "nguyen"})
    assert response.context["cl"].result_count == rows


def test_the_programme_admins_find_members_without_accents(secretariat_client):
    member = factories.MemberFactory(family_name="Nguyễn", badge_name="Nguyễn Văn An")
    booking = factories.BookingFactory(member=member)
    gala = factories.GalaInvitationFactory(member=member)
    factories.BookingFactory()
    assert _results(secretariat_client, "programme_booking", "nguyen") == [booking]
    assert _results(secretariat_client, "programme_galainvitation", "NGUYEN van") == [gala]
    assert booking in _results(secretariat_client, "programme_booking", booking.session.title)
