"""The gate app offline, in headless Chromium: the device decides from its bundle with the
same rules as the server, keeps every scan, and uploads them once back online."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from accreditation import services
from accreditation.badges import codes
from accreditation.models import Scan
from tests import factories
from tests.e2e.gate_app import WAIT_MS, forged_code, gate_world, open_gate, scan, verdict

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(db):
    return gate_world()


def test_offline_the_device_decides_each_scan(page, world):
    protocol = factories.StaffUserFactory(username="protocol")
    services.badge_revoke(badge=world["revoked"], actor=protocol, reason="lost")
    open_gate(page)
    page.context.set_offline(True)
    page.locator("#gate-network[data-state=offline]").wait_for()

    granted = codes.badge_code(world["granted"])
    assert verdict(scan(page, granted)) == ("granted", "ok", "offline")
    assert verdict(scan(page, forged_code(world["granted"]))) == ("denied", "forged", "offline")
    assert verdict(scan(page, codes.badge_code(world["revoked"]))) == ("denied", "revoked", "offline")
    assert verdict(scan(page, codes.badge_code(world["wrong_zone"]))) == ("denied", "wrong_zone", "offline")
    # The same badge "in" again, without an "out": this device knows its own scans.
    assert verdict(scan(page, granted)) == ("denied", "already_inside", "offline")

    panel = page.locator("#checkin-answer [data-result=denied][data-reason=already_inside]")
    assert "DENIED" in panel.inner_text()
    assert "decided on this device" in panel.inner_text().lower()
    assert page.locator("#gate-pending").get_attribute("data-count") == "5"

    # Back online: each scan reaches the server's log once, with the device's time.
    kept = page.evaluate("hsGate.store.allScans()")
    page.context.set_offline(False)
    expect(page.locator("#gate-pending")).to_have_attribute("data-count", "0", timeout=WAIT_MS)
    page.evaluate("hsGate.sync()")  # once more: a batch sent again is not stored twice
    logged = {scan.nonce: scan for scan in Scan.objects.filter(nonce__in=[k["nonce"] for k in kept])}
    assert len(logged) == len(kept) == 5
    for item in kept:
        stored = logged[item["nonce"]]
        assert stored.offline
        assert (stored.result, stored.reason) == (item["result"], item["reason"])
        assert stored.scanned_at == dt.datetime.fromtimestamp(item["at"] / 1000, tz=dt.UTC)
    assert Scan.objects.count() == 5


def test_a_badge_revoked_while_the_gate_is_offline_is_flagged_after_the_sync(page, world):
    open_gate(page)
    page.context.set_offline(True)
    page.locator("#gate-network[data-state=offline]").wait_for()
    protocol = factories.StaffUserFactory(username="protocol")
    services.badge_revoke(badge=world["later_revoked"], actor=protocol, reason="withdrawn")

    # The gate cannot know yet: its list is older than the revocation.
    line = scan(page, codes.badge_code(world["later_revoked"]))
    assert verdict(line) == ("granted", "ok", "offline")

    page.context.set_offline(False)
    expect(page.locator("#gate-pending")).to_have_attribute("data-count", "0", timeout=WAIT_MS)
    flagged = Scan.objects.get(nonce=line.get_attribute("data-nonce"))
    assert flagged.offline and flagged.granted_while_void
    # And the gate's list now knows: the next scan is denied by the server.
    assert verdict(scan(page, codes.badge_code(world["later_revoked"]))) == ("denied", "revoked", "server")


def test_a_scan_the_server_refuses_does_not_block_the_queue(page, world):
    open_gate(page)
    page.context.set_offline(True)
    page.locator("#gate-network[data-state=offline]").wait_for()
    # A scan the server cannot take (a zone it does not know), queued before a good one.
    page.evaluate(
        """(code) => hsGate.store.addScan({nonce: "poison-1", at: Date.now() - 1000,
            scanned_at: new Date(Date.now() - 1000).toISOString(), zone: "NOPE", direction: "in",
            result: "granted", reason: "ok", number: null, synced: 0, code})""",
        codes.badge_code(world["granted"]),
    )
    good = scan(page, codes.badge_code(world["granted"]))
    assert verdict(good) == ("granted", "ok", "offline")

    page.context.set_offline(False)
    expect(page.locator("#gate-pending")).to_have_attribute("data-count", "0", timeout=WAIT_MS)
    assert Scan.objects.filter(nonce=good.get_attribute("data-nonce")).exists()
    assert not Scan.objects.filter(nonce="poison-1").exists()
    kept = {item["nonce"]: item for item in page.evaluate("hsGate.store.allScans()")}
    assert kept["poison-1"]["synced"] == 2 and "zone" in kept["poison-1"]["refused"]
