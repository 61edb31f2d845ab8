"""The gate app when the network misbehaves: a dropped request is never shown as a denial,
and scans made while an answer is slow are queued, answered in order, each logged."""

import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accreditation.badges import codes
from accreditation.models import Scan
from tests.e2e.gate_app import WAIT_MS, gate_world, open_gate, scan, verdict

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(db):
    return gate_world()


def test_a_dropped_request_is_decided_on_the_device_never_denied(page, world):
    open_gate(page)
    page.route(f"**{reverse('api-checkin')}", lambda route: route.abort())

    line = scan(page, codes.badge_code(world["granted"]))

    assert verdict(line) == ("granted", "ok", "no_connection")
    panel = page.locator("#checkin-answer [data-result=granted]")
    text = panel.inner_text().lower()
    assert "no connection: decided on this device" in text
    assert "denied" not in text

    # Decided here, so kept for the upload: it reaches the log once the server answers again.
    page.unroute(f"**{reverse('api-checkin')}")
    page.evaluate("hsGate.sync()")
    expect(page.locator("#gate-pending")).to_have_attribute("data-count", "0", timeout=WAIT_MS)
    stored = Scan.objects.get(nonce=line.get_attribute("data-nonce"))
    assert stored.offline and (stored.result, stored.reason) == ("granted", "ok")


def test_two_scans_under_latency_get_two_answers_in_order(page, world):
    open_gate(page)

    def slow(route):
        time.sleep(0.8)
        route.continue_()

    page.route(f"**{reverse('api-checkin')}", slow)
    first, second = codes.badge_code(world["granted"]), codes.badge_code(world["wrong_zone"])
    nonces = page.evaluate(
        """async ([first, second]) => {
            const one = hsGate.submit(first);
            await new Promise((done) => setTimeout(done, 50));
            return [one, hsGate.submit(second)];
        }""",
        [first, second],
    )

    lines = [page.locator(f'#gate-log li[data-nonce="{nonce}"]') for nonce in nonces]
    assert verdict(lines[1]) == ("denied", "wrong_zone", "server")
    assert verdict(lines[0]) == ("granted", "ok", "server")
    # Newest first in the log; the panel shows the newer scan, not the late first answer.
    assert page.locator("#gate-log li").nth(0).get_attribute("data-nonce") == nonces[1]
    assert page.locator("#gate-log li").nth(1).get_attribute("data-nonce") == nonces[0]
    assert page.locator("#checkin-answer [data-nonce]").get_attribute("data-nonce") == nonces[1]
    logged = dict(Scan.objects.filter(nonce__in=nonces).values_list("nonce", "reason"))
    assert logged == {nonces[0]: "ok", nonces[1]: "wrong_zone"}


# Records the tones the page plays: each oscillator's type and frequency when it starts.
RECORD_TONES = """
window.hsTones = [];
const create = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () {
  const oscillator = create.call(this);
  const start = oscillator.start.bind(oscillator);
  oscillator.start = (when) => {
    window.hsTones.push(oscillator.type + ":" + oscillator.frequency.value);
    return start(when);
  };
  return oscillator;
};
"""


def test_granted_and_denied_sound_different(page, world):
    page.add_init_script(RECORD_TONES)
    open_gate(page)

    verdict(scan(page, codes.badge_code(world["granted"])))
    granted = page.evaluate("window.hsTones.splice(0)")
    verdict(scan(page, codes.badge_code(world["wrong_zone"])))
    denied = page.evaluate("window.hsTones.splice(0)")

    assert granted and denied
    assert granted != denied
    assert page.evaluate("document.body.dataset.verdict") == "denied"


def test_a_signed_out_gate_says_so_and_still_decides(page, world):
    open_gate(page)
    page.context.clear_cookies()  # the staff session ended
    # Twice: a round the app began before the cookies went may still be under way.
    page.evaluate("hsGate.sync().then(() => hsGate.sync())")

    assert page.locator("#gate-network").get_attribute("data-state") == "signed_out"
    assert "sign in again" in page.locator("#gate-network").inner_text()
    # The server will not answer this page: the device decides, and says so.
    assert verdict(scan(page, codes.badge_code(world["granted"]))) == ("granted", "ok", "no_connection")
    assert page.locator("#gate-network").get_attribute("data-state") == "signed_out"
