"""The gate app on a registered device, in headless Chromium: with its own token and no staff
session it decides and uploads; it takes a new token when the secretariat asks, with nobody
signing in; a revoked token stops it granting; forgetting the device keeps waiting scans."""

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from accreditation.badges import codes
from accreditation.models import GateDevice, Scan, Zone
from accreditation.services.gate_devices import (
    gate_device_ask_rotation,
    gate_device_register,
    gate_device_revoke,
    token_digest,
)
from tests import factories
from tests.e2e.gate_app import WAIT_MS, gate_world, scan, verdict

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAME = "Gate 3 phone"


@pytest.fixture
def world(db):
    world = gate_world()
    world["secretariat"] = factories.StaffUserFactory(username="secretariat", role="Secretariat")
    world["device"], world["token"] = gate_device_register(
        name=NAME, zones=[Zone.objects.get(code="PLN")], actor=world["secretariat"]
    )
    return world


@pytest.fixture
def device_page(browser, live_server):
    """A browser nobody signed in to: a new context, no cookie."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    yield page
    context.close()


def put_token_on(page, token):
    """Open the device page and paste the token, as the officer does once."""
    page.goto(reverse("protocol:checkin-device") + "?zone=PLN&direction=in")
    expect(page.locator("#gate-app")).to_have_attribute("data-ready", "1")
    page.fill("#gate-device-token", token)
    page.locator("#gate-device-form button[type=submit]").click()
    expect(page.locator("#gate-bundle-age")).to_contain_text("List updated")
    # The zones are the device's own, from its bundle.
    expect(page.locator("select[name=zone] option")).to_have_count(1)
    assert settings.SESSION_COOKIE_NAME not in {cookie["name"] for cookie in page.context.cookies()}


def stored_token(page):
    return page.evaluate("hsGate.store.loadToken()")


def test_a_device_decides_and_uploads_without_any_staff_session(device_page, world):
    page = device_page
    put_token_on(page, world["token"])
    granted = codes.badge_code(world["granted"])
    assert verdict(scan(page, granted)) == ("granted", "ok", "server")
    assert Scan.objects.get().device == NAME and Scan.objects.get().officer is None

    page.context.set_offline(True)
    page.locator("#gate-network[data-state=offline]").wait_for()
    assert verdict(scan(page, codes.badge_code(world["later_revoked"]))) == ("granted", "ok", "offline")
    page.context.set_offline(False)
    expect(page.locator("#gate-pending")).to_have_attribute("data-count", "0", timeout=WAIT_MS)
    assert Scan.objects.filter(device=NAME).count() == 2
    device = GateDevice.objects.get()
    assert device.last_seen_at is not None and device.scans_waiting == 0

    # Reopened later, still with no session: the device page and its token are enough.
    page.reload()
    expect(page.locator("#gate-bundle-age")).to_contain_text("List updated")
    assert verdict(scan(page, codes.badge_code(world["wrong_zone"]))) == ("denied", "wrong_zone", "server")


def test_the_device_takes_a_new_token_when_the_secretariat_asks(device_page, world):
    page = device_page
    old = world["token"]
    put_token_on(page, old)
    gate_device_ask_rotation(device=world["device"], actor=world["secretariat"])
    page.evaluate("hsGate.sync()")
    page.wait_for_function("(old) => hsGate.state.token && hsGate.state.token !== old", arg=old)
    new = stored_token(page)
    assert new.startswith("gd_") and new != old
    # The new token in use (the next call), nobody signed in: the old one is refused.
    assert verdict(scan(page, codes.badge_code(world["granted"]))) == ("granted", "ok", "server")
    device = GateDevice.objects.get()
    assert device.token_hash == token_digest(new) and not device.rotate_requested
    assert device.previous_token_hash is None
    response = page.request.get(
        "/api/gate/bundle/", headers={"Authorization": f"Token {old}"}, fail_on_status_code=False
    )
    assert response.status in (401, 403)


def test_a_revoked_device_stops_granting(device_page, world):
    page = device_page
    put_token_on(page, world["token"])
    gate_device_revoke(device=world["device"], actor=world["secretariat"])
    line = scan(page, codes.badge_code(world["granted"]))
    assert verdict(line)[0] == "sync_needed"
    panel = page.locator("#checkin-answer")
    expect(panel).to_contain_text("This device's token was revoked: ask the secretariat")
    expect(panel).to_contain_text("SYNC NEEDED")
    expect(page.locator("#gate-network")).to_have_attribute("data-state", "revoked")
    # Offline too: the list it holds grants nothing any more.
    page.context.set_offline(True)
    assert verdict(scan(page, codes.badge_code(world["later_revoked"])))[0] == "sync_needed"
    assert not Scan.objects.exists()


def test_forgetting_the_device_refuses_while_scans_wait(device_page, world):
    page = device_page
    put_token_on(page, world["token"])
    page.context.set_offline(True)
    page.locator("#gate-network[data-state=offline]").wait_for()
    assert verdict(scan(page, codes.badge_code(world["granted"])))[2] == "offline"
    page.click("#gate-forget")
    expect(page.locator("#gate-device-message")).to_contain_text("1 scans are still waiting to be sent")
    assert page.evaluate("hsGate.store.loadBundle()") is not None
    assert stored_token(page) == world["token"]

    page.context.set_offline(False)
    expect(page.locator("#gate-pending")).to_have_attribute("data-count", "0", timeout=WAIT_MS)
    page.click("#gate-forget")
    expect(page.locator("#gate-device-message")).to_contain_text("This device is forgotten")
    assert page.evaluate("hsGate.store.loadBundle()") is None
    assert stored_token(page) is None
    assert page.evaluate("hsGate.store.allScans()") == []
    assert page.evaluate("caches.keys().then((names) => names.filter((n) => n.startsWith('hs-gate-')))") == []
    assert Scan.objects.filter(device=NAME).count() == 1


@pytest.fixture
def token_camera_page(require_chromium, live_server, tmp_path, world):
    """A browser nobody signed in to, whose fake camera shows the device's token as a QR
    code, as the admin's page shows it."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM
    from tests.e2e.conftest import CHROMIUM_ARGS
    from tests.e2e.test_gate_camera import qr_y4m

    video = tmp_path / "token.y4m"
    qr_y4m(world["token"], video)
    args = CHROMIUM_ARGS + [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        context = browser.new_context(base_url=live_server.url, locale="en-GB", permissions=["camera"])
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        yield page
        context.close()
        browser.close()
        connections.close_all()


def test_the_camera_reads_the_devices_token(token_camera_page, world):
    page = token_camera_page
    page.goto(reverse("protocol:checkin-device") + "?zone=PLN&direction=in")
    expect(page.locator("#gate-app")).to_have_attribute("data-ready", "1")
    page.click("#checkin-camera")
    expect(page.locator("#gate-bundle-age")).to_contain_text("List updated")
    assert stored_token(page) == world["token"]
    # Read as the token, never sent as a badge scan.
    assert page.locator("#gate-log li").count() == 0 and not Scan.objects.exists()
