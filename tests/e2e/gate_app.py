"""Helpers of the gate app's browser tests: a world of badges, signing in, scanning."""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.urls import reverse
from playwright.sync_api import expect

from accreditation.badges import codes
from tests import factories
from tests.accreditation.gate.test_scan import collected_badge
from tests.e2e.test_gate import PASSWORD, _gate_role

FINAL = r"^(granted|denied|sync_needed|error)$"
#: As long as the pages' own default (tests/e2e/conftest.py): a loaded CI machine is slow.
WAIT_MS = 15000


def gate_world():
    """Zones (the plenary denies a second entry), a gate account, and the badges:
    granted at the plenary, revoked before the gate loads its list, for another zone only."""
    factories.ZoneFactory(code="PLN", name="Plenary hall", second_entry="deny")
    factories.ZoneFactory(code="SIG", name="Signing stage", second_entry="deny")
    _gate_role()
    factories.StaffUserFactory(username="gate", role="Gate officer")
    category = factories.CategoryFactory(code="DEL", name="Delegate", colour="#1565C0")
    return {
        "granted": collected_badge(category=category),
        "revoked": collected_badge(category=category),
        "wrong_zone": collected_badge(category=category, zone_codes="SIG"),
        "later_revoked": collected_badge(category=category),
    }


def forged_code(badge):
    """The code of a real badge, signed with a key that is not the event's."""
    return codes.encode(
        codes.BadgeCode(
            number=badge.number,
            version=badge.version,
            category=badge.category.code,
            zones=tuple(badge.zone_codes.split()),
            valid_from=badge.valid_from,
            valid_until=badge.valid_until,
        ),
        key=Ed25519PrivateKey.generate(),
    )


def open_gate(page, zone="PLN", direction="in"):
    """Sign in as the gate account and open the gate app with its list loaded."""
    url = reverse("protocol:checkin")
    page.goto(f"{reverse('portal:login')}?next={url}")
    page.fill("#id_username", "gate")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{url}")
    page.goto(f"{url}?zone={zone}&direction={direction}")
    expect(page.locator("#gate-app")).to_have_attribute("data-ready", "1", timeout=WAIT_MS)
    expect(page.locator("#gate-bundle-age")).not_to_have_text("", timeout=WAIT_MS)


def scan(page, text):
    """Type (as a keyboard-wedge scanner does) and press Enter; the scan's log line."""
    page.fill("#checkin-code", text)
    page.press("#checkin-code", "Enter")
    nonce = page.locator("#gate-log li").first.get_attribute("data-nonce")
    return page.locator(f'#gate-log li[data-nonce="{nonce}"]')


def verdict(line):
    """Wait for the scan's final answer: (result, reason, source)."""
    expect(line).to_have_attribute("data-result", _final_pattern(), timeout=WAIT_MS)
    return (
        line.get_attribute("data-result"),
        line.get_attribute("data-reason"),
        line.get_attribute("data-source"),
    )


def _final_pattern():
    import re

    return re.compile(FINAL)
