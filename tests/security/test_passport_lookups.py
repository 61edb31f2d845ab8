"""No passport oracle: without delegations.view_passport, no admin changelist and no export
filters, searches or sorts on passport data or the date of birth, across any relation."""

import dataclasses
import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from delegations.models import Member
from hanoi_summit.secretariat.exports import specs
from hanoi_summit.secretariat.exports.filters import Filter
from tests import factories
from tests.hanoi_summit.secretariat.exports.downloads import body

PASSPORT = "VN1234567"


@pytest.fixture
def member(db):
    return factories.MemberFactory(
        family_name="Nguyen", passport_number=PASSPORT, date_of_birth=dt.date(1971, 3, 9)
    )


@pytest.fixture
def protocol_client(db):
    # A client of its own: tests also use the secretariat's, logged in on `client`.
    client = Client()
    client.force_login(factories.StaffUserFactory(role="Protocol officer", username="protocol"))
    return client


@pytest.fixture
def viewer_client(client, db):
    """Staff reading members, accreditations, badges, scans and bookings, without passports."""
    user = factories.StaffUserFactory(username="viewer")
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_member", "view_accreditation", "view_badge", "view_scan", "view_booking"]
        )
    )
    client.force_login(user)
    return client


def _changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_a_passport_regex_on_the_member_admin_is_refused(protocol_client, member):
    url = _changelist(Member)
    for query in (
        {"id": member.pk, "passport_number__regex": "^VN1"},
        {"id": member.pk, "passport_number__startswith": "VN2"},
        {"date_of_birth__year": "1971"},
        {"passport_expiry__lt": "2031-01-01"},
    ):
        response = protocol_client.get(url, query)
        assert response.status_code == 400, query
        assert "member" not in response.content.decode().lower()


@pytest.mark.parametrize(
    ("model_label", "lookup"),
    [
        ("accreditation.accreditation", "member__passport_number__startswith"),
        ("accreditation.badge", "accreditation__member__passport_number__startswith"),
        ("accreditation.scan", "badge__accreditation__member__passport_number__startswith"),
        ("programme.booking", "member__passport_number__startswith"),
        ("delegations.delegation", "members__passport_number__startswith"),
    ],
)
def test_a_cross_relation_passport_lookup_is_refused(viewer_client, member, model_label, lookup):
    factories.BadgeFactory(accreditation=factories.AccreditationFactory(member=member))
    factories.BookingFactory(member=member)
    app_label, model_name = model_label.split(".")
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    assert viewer_client.get(url, {lookup: "VN1"}).status_code in (400, 403)


def test_ordering_by_a_passport_column_is_refused(protocol_client, member, monkeypatch):
    # No column sorts by passport data today; one added later must not become an oracle.
    member_admin = admin.site._registry[Member]
    columns = (*member_admin.list_display, "date_of_birth")
    monkeypatch.setattr(member_admin, "list_display", columns)
    response = protocol_client.get(_changelist(Member), {"o": str(columns.index("date_of_birth"))})
    assert response.status_code == 400


def test_a_search_never_matches_a_passport_number(protocol_client, secretariat_client, member, monkeypatch):
    # Even were the passport number made searchable, only those who may see it match on it.
    member_admin = admin.site._registry[Member]
    monkeypatch.setattr(member_admin, "search_fields", (*member_admin.search_fields, "=passport_number"))
    # (The member admin searches names its own way, MemberNameSearch; this adds Django's.)
    monkeypatch.setattr(member_admin, "search_own_fields", True)
    refused = protocol_client.get(_changelist(Member), {"q": PASSPORT})
    assert refused.status_code == 200
    assert "Nguyen" not in refused.content.decode()
    found = secretariat_client.get(_changelist(Member), {"q": PASSPORT})
    assert "Nguyen" in found.content.decode()


def test_no_one_filters_on_an_encrypted_passport_but_a_whole_number_finds_it(secretariat_client, member):
    # The column holds a ciphertext: a pattern could never match, even for the secretariat.
    factories.MemberFactory(passport_number="VN2000000")
    refused = secretariat_client.get(_changelist(Member), {"passport_number__regex": "^VN1"})
    assert refused.status_code == 400
    # The whole number, in any spelling, matches through its keyed hash.
    response = secretariat_client.get(_changelist(Member), {"q": "vn 123 4567"})
    html = response.content.decode()
    assert "Nguyen" in html
    assert "1 member" in html


def _export_url(kind="members"):
    return reverse("dashboard:export", kwargs={"kind": kind, "fmt": "csv"})


def test_the_exports_refuse_the_same_filters(protocol_client, member):
    for query in (
        {"passport_number__regex": "^VN1"},
        {"passport_number__startswith": "VN1"},
        {"date_of_birth__year": "1971"},
    ):
        response = protocol_client.get(_export_url(), query)
        assert response.status_code == 400, query
        assert PASSPORT not in b"".join(response).decode()


def test_an_export_filter_or_search_on_passports_is_refused_to_those_who_may_not_see_them(
    protocol_client, secretariat_client, member, monkeypatch
):
    # Were an export given a passport filter and search, they would still be the
    # permission-holders' only.
    spec = specs.EXPORTS["members"]
    widened = dataclasses.replace(
        spec,
        filters=(*spec.filters, Filter(("passport",), "passport_number__startswith", lambda n, raw: raw)),
        search=(*spec.search, "passport_number"),
    )
    monkeypatch.setitem(specs.EXPORTS, "members", widened)
    assert protocol_client.get(_export_url(), {"passport": "VN1"}).status_code == 400
    searched = body(protocol_client.get(_export_url(), {"q": PASSPORT})).decode()
    assert "Nguyen" not in searched
    # Encrypted, the number is no one's to filter on: the secretariat is refused as well.
    assert secretariat_client.get(_export_url(), {"passport": "VN1"}).status_code == 400


def test_every_registered_admin_is_guarded():
    from hanoi_summit.core.admin import RestrictedFieldsAdminMixin

    unguarded = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if not isinstance(model_admin, RestrictedFieldsAdminMixin)
    ]
    assert unguarded == []
