"""A gate sees the photo of a badge it has just scanned, and no other; every look is audited."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accreditation.badges import codes
from accreditation.models import Scan
from hanoi_summit.core.models import AuditEntry
from tests.accreditation.gate.test_scan import collected_badge
from tests.factories import StaffUserFactory, ZoneFactory


@pytest.fixture
def plenary(db):
    return ZoneFactory(code="PLN", name="Plenary hall")


@pytest.fixture
def gate_user(db):
    return StaffUserFactory(role="Gate officer", username="gate")


@pytest.fixture
def gate_client(client, gate_user):
    client.force_login(gate_user)
    return client


def photo_url(badge):
    return f"/protocol/checkin/photo/{badge.pk}/"


def scan_at_the_gate(client, badge):
    response = client.post(
        "/protocol/checkin/", {"zone": "PLN", "direction": "in", "code": codes.badge_code(badge)}
    )
    assert response.status_code == 200


def photo_views():
    return AuditEntry.objects.filter(action="member.gate_photo_view")


def test_the_photo_of_a_badge_not_scanned_is_not_found(plenary, gate_client):
    badge = collected_badge()
    assert gate_client.get(photo_url(badge)).status_code == 404
    assert not photo_views().exists()


def test_after_a_scan_the_photo_is_served_and_the_look_audited(plenary, gate_client, gate_user):
    badge = collected_badge()
    scan_at_the_gate(gate_client, badge)
    response = gate_client.get(photo_url(badge))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    entry = photo_views().get()
    member = badge.accreditation.member
    assert (entry.actor, entry.target_type, entry.target_id) == (
        gate_user,
        "delegations.member",
        str(member.pk),
    )
    assert str(badge.pk) in entry.note


def test_the_photo_is_not_found_once_the_window_has_passed(plenary, gate_client, settings):
    settings.GATE_PHOTO_WINDOW_SECONDS = 300
    badge = collected_badge()
    scan_at_the_gate(gate_client, badge)
    Scan.objects.update(scanned_at=timezone.now() - dt.timedelta(seconds=301))
    assert gate_client.get(photo_url(badge)).status_code == 404
    assert not photo_views().exists()


def test_a_scan_by_another_account_does_not_open_the_photo(plenary, gate_client, client):
    badge = collected_badge()
    scan_at_the_gate(gate_client, badge)
    other = APIClient()
    token = Token.objects.create(user=StaffUserFactory(role="Gate officer"))
    other.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert other.get(photo_url(badge)).status_code == 404
    # The device that scanned it sees it.
    device = APIClient()
    token = Token.objects.create(user=StaffUserFactory(role="Gate officer"))
    device.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    # "out": the badge went in already (a second "in" would be already_inside).
    granted = device.post(
        "/api/checkin/", {"code": codes.badge_code(badge), "zone": "PLN", "direction": "out"}, format="json"
    )
    assert granted.json()["result"] == "granted"
    assert device.get(granted.json()["badge"]["photo_url"]).status_code == 200
