"""Registered gate devices: their token (hashed, shown once), zones, revocation, rotation,
last seen and scans waiting, on the dashboard."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accreditation.badges import codes
from accreditation.models import GateDevice, Scan
from accreditation.services.gate_devices import (
    gate_device_register,
    gate_device_replace_token,
    gate_device_revoke,
)
from hanoi_summit.core.models import AuditEntry
from tests.accreditation.gate.test_scan import collected_badge
from tests.factories import StaffUserFactory


@pytest.fixture
def secretariat(db):
    return StaffUserFactory(role="Secretariat")


@pytest.fixture
def registered(zones, secretariat):
    return gate_device_register(name="Gate 3 phone", zones=[zones["PLN"]], actor=secretariat)


def client_with(token, **headers):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}", **headers)
    return client


def test_only_the_tokens_hash_is_stored(registered):
    device, token = registered
    assert token.startswith("gd_") and len(token) > 40
    stored = GateDevice.objects.filter(pk=device.pk).values().get()
    assert token not in {str(value) for value in stored.values()}


def test_a_device_scans_at_its_zones_logged_with_its_name(registered):
    device, token = registered
    badge = collected_badge()
    client = client_with(token, HTTP_X_SCANS_WAITING="4")
    body = client.post(
        "/api/checkin/", {"code": codes.badge_code(badge), "zone": "PLN", "direction": "in"}, format="json"
    ).json()
    assert body["result"] == "granted"
    scan = Scan.objects.get()
    assert (scan.device, scan.officer) == ("Gate 3 phone", None)
    device.refresh_from_db()
    assert device.last_seen_at is not None and device.scans_waiting == 4
    response = client.post(
        "/api/checkin/", {"code": codes.badge_code(badge), "zone": "SIG", "direction": "in"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "zone_not_allowed")


def test_a_devices_bundle_holds_its_zones(registered):
    _device, token = registered
    collected_badge()
    body = client_with(token).get("/api/gate/bundle/").json()
    assert [zone["code"] for zone in body["zones"]] == ["PLN"]
    assert len(body["badges"]) == 1


def test_batch_from_a_device_reports_what_it_still_holds(registered):
    device, token = registered
    badge = collected_badge()
    scan = {
        "code": codes.badge_code(badge),
        "zone": "PLN",
        "direction": "in",
        "nonce": "g3-1",
        "scanned_at": timezone.now().isoformat(),
        "result": "granted",
        "reason": "ok",
    }
    body = (
        client_with(token).post("/api/checkin/batch/", {"scans": [scan], "waiting": 0}, format="json").json()
    )
    assert body["stored"] == 1
    assert Scan.objects.get().device == "Gate 3 phone"
    device.refresh_from_db()
    assert device.scans_waiting == 0
    bad = client_with(token).post(
        "/api/checkin/batch/", {"scans": [{**scan, "zone": "SIG", "nonce": "g3-2"}]}, format="json"
    )
    assert bad.status_code == 403


def test_a_revoked_or_unknown_token_opens_nothing(registered, secretariat):
    # 403, not 401: the gate views' first authentication (the session's) sends no challenge.
    device, token = registered
    gate_device_revoke(device=device, actor=secretariat)
    assert client_with(token).get("/api/gate/bundle/").status_code == 403
    assert client_with("gd_nonsense").get("/api/gate/bundle/").status_code == 403
    new = gate_device_replace_token(device=device, actor=secretariat)
    assert client_with(token).get("/api/gate/bundle/").status_code == 403
    assert client_with(new).get("/api/gate/bundle/").status_code == 200


def test_a_device_rotates_its_token_without_anyone_signing_in(registered):
    device, token = registered
    first = client_with(token).post("/api/gate/device/rotate/").json()
    assert first["name"] == "Gate 3 phone" and first["token"] != token
    # The answer was lost: the device asks again with its old token, which still works.
    second = client_with(token).post("/api/gate/device/rotate/").json()
    assert client_with(first["token"]).get("/api/gate/bundle/").status_code == 403
    assert client_with(second["token"]).get("/api/gate/bundle/").status_code == 200
    # The new token used once: the old one is retired.
    assert client_with(token).get("/api/gate/bundle/").status_code == 403
    assert AuditEntry.objects.filter(action="gate_device.rotate").count() == 2


def test_a_person_cannot_rotate_and_a_device_cannot_undo(registered, gate_user, token_client):
    _device, token = registered
    assert token_client(gate_user).post("/api/gate/device/rotate/").status_code == 401
    assert client_with(token).post("/api/checkin/undo/", {"zone": "PLN"}, format="json").status_code == 403


def test_last_seen_is_not_written_on_every_call(registered):
    device, token = registered
    client = client_with(token)
    client.get("/api/gate/bundle/")
    device.refresh_from_db()
    seen = device.last_seen_at
    client.get("/api/gate/bundle/")
    device.refresh_from_db()
    assert device.last_seen_at == seen
    GateDevice.objects.filter(pk=device.pk).update(last_seen_at=seen - dt.timedelta(minutes=1))
    client.get("/api/gate/bundle/")
    device.refresh_from_db()
    assert device.last_seen_at > seen - dt.timedelta(minutes=1)


def test_the_admin_shows_the_token_once_and_never_again(zones, client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        "/admin/accreditation/gatedevice/add/", {"name": "Lobby tablet", "zones": [zones["SIG"].pk]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    device = GateDevice.objects.get(name="Lobby tablet")
    token = html.split("data-gate-token")[1].split(">", 1)[1].split("<", 1)[0]
    assert token.startswith("gd_") and "no-store" in response["Cache-Control"]
    assert "<svg" in html.split("data-gate-token-qr")[1]  # the same token, for the device's camera
    assert client_with(token).get("/api/gate/bundle/").status_code == 200
    for page in ("/admin/accreditation/gatedevice/", f"/admin/accreditation/gatedevice/{device.pk}/change/"):
        assert token not in client.get(page).content.decode()
    replaced = client.post(f"/admin/accreditation/gatedevice/{device.pk}/token/").content.decode()
    new = replaced.split("data-gate-token")[1].split(">", 1)[1].split("<", 1)[0]
    assert new != token and client_with(token).get("/api/gate/bundle/").status_code == 403
    client.post(f"/admin/accreditation/gatedevice/{device.pk}/revoke/")
    assert client_with(new).get("/api/gate/bundle/").status_code == 403
    assert AuditEntry.objects.filter(action__startswith="gate_device.").count() == 3


def test_the_dashboard_lists_the_devices(registered, client, secretariat_user):
    device, _token = registered
    GateDevice.objects.filter(pk=device.pk).update(scans_waiting=7, last_seen_at=timezone.now())
    client.force_login(secretariat_user)
    html = client.get("/dashboard/").content.decode()
    assert 'data-device="Gate 3 phone"' in html and 'data-figure="waiting">7<' in html


def test_a_device_sees_the_photo_of_a_badge_it_scanned_only(registered):
    _device, token = registered
    badge, other = collected_badge(), collected_badge()
    client = client_with(token)
    body = client.post(
        "/api/checkin/", {"code": codes.badge_code(badge), "zone": "PLN", "direction": "in"}, format="json"
    ).json()
    assert client.get(body["badge"]["photo_url"]).status_code == 200
    assert client.get(f"/protocol/checkin/photo/{other.pk}/").status_code == 404
    assert (
        AuditEntry.objects.filter(action="member.gate_photo_view", note__contains="Gate 3 phone").count() == 1
    )


def test_a_revoked_token_is_told_so_and_an_unknown_one_is_just_refused(registered, secretariat):
    device, token = registered
    gate_device_revoke(device=device, actor=secretariat)
    assert client_with(token).get("/api/gate/bundle/").json()["code"] == "device_revoked"
    assert client_with("gd_nonsense").get("/api/gate/bundle/").json()["code"] == "authentication_failed"


def test_the_secretariat_asks_a_device_in_use_for_a_new_token(registered, client, secretariat):
    device, token = registered
    assert "X-Token-Rotate" not in client_with(token).get("/api/gate/bundle/")
    client.force_login(secretariat)
    assert client.get(f"/admin/accreditation/gatedevice/{device.pk}/rotate/").status_code == 200
    device.refresh_from_db()
    assert not device.rotate_requested  # asked only by the confirmation's POST
    client.post(f"/admin/accreditation/gatedevice/{device.pk}/rotate/")
    device.refresh_from_db()
    assert device.rotate_requested
    # Every gate call of the device says so, until it has rotated; nothing stops meanwhile.
    scan = client_with(token).post(
        "/api/checkin/",
        {"code": codes.badge_code(collected_badge()), "zone": "PLN", "direction": "in"},
        format="json",
    )
    assert scan.status_code == 200 and scan["X-Token-Rotate"] == "1"
    assert client_with(token).get("/api/gate/bundle/")["X-Token-Rotate"] == "1"
    new = client_with(token).post("/api/gate/device/rotate/").json()["token"]
    answer = client_with(new).get("/api/gate/bundle/")
    assert answer.status_code == 200 and "X-Token-Rotate" not in answer
    assert client_with(token).get("/api/gate/bundle/").status_code == 403
    assert AuditEntry.objects.filter(action="gate_device.ask_rotation", actor=secretariat).count() == 1


def test_a_person_never_gets_the_rotate_signal(registered, gate_user, token_client):
    device, _token = registered
    GateDevice.objects.filter(pk=device.pk).update(rotate_requested=True)
    assert "X-Token-Rotate" not in token_client(gate_user).get("/api/gate/bundle/")


def test_the_device_page_opens_without_a_session_and_holds_nothing_about_anyone(zones, client):
    response = client.get("/protocol/checkin/device/")
    html = response.content.decode()
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    assert 'id="gate-device-form"' in html and "Plenary hall" not in html
    assert "/protocol/checkin/occupancy/" not in html
    # The service worker is public too (it names files and pages): the device installs it.
    worker = client.get("/protocol/checkin/sw.js")
    assert worker.status_code == 200 and "/protocol/checkin/device/" in worker.content.decode()
