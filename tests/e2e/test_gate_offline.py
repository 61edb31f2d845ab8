"""The gate app offline, in headless Chromium: the device decides from its bundle with the
same rules as the server, keeps every scan, and uploads them once back online."""

import pytest

from accreditation import services
from accreditation.badges import codes
from tests import factories
from tests.e2e.gate_app import forged_code, gate_world, open_gate, scan, verdict

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
