"""Typing the short number printed on a badge at the gate app: a wrong check character is
refused on the device at once; a right one finds the badge (offline from the bundle) and
shows the name and the photo, kept from when it was seen online, to compare with the face.
And past GATE_OFFLINE_MAX_MINUTES without a refresh the gate says "sync needed"."""

import pytest
from django.urls import reverse

from accreditation.badges import codes, short
from accreditation.models import Scan
from tests.e2e.gate_app import gate_world, open_gate, scan, verdict

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(db):
    return gate_world()


def _wrong(number):
    right = short.check_character(number)
    return f"{number}-{next(c for c in short.ALPHABET if c != right)}"


def test_a_wrong_check_character_is_refused_on_the_device(page, world):
    open_gate(page)
    asked = []
    page.route(f"**{reverse('api-checkin')}", lambda route: (asked.append(1), route.continue_()))

    line = scan(page, _wrong(world["granted"].number))

    assert verdict(line)[:2] == ("error", "bad_check_character")
    assert "wrong check character" in page.locator("#checkin-answer").inner_text().lower()
    assert asked == []
    assert not Scan.objects.exists()
    # A few seconds later the gate is ready for the next badge; the log keeps the answer.
    page.locator("#checkin-answer [data-result=ready]").wait_for()
    assert page.evaluate("document.body.dataset.verdict") == "ready"
    assert line.get_attribute("data-reason") == "bad_check_character"


def test_offline_a_typed_number_finds_the_badge_with_the_photo_seen_before(page, world):
    badge = world["granted"]
    open_gate(page)
    # Seen online once: the photo is kept on the device.
    assert verdict(scan(page, codes.badge_code(badge))) == ("granted", "ok", "server")
    page.locator("#checkin-answer img").wait_for()

    page.context.set_offline(True)
    page.locator("#gate-network[data-state=offline]").wait_for()
    page.click("label[for=direction-out]")
    typed = " " + short.short_number(badge.number).lower().replace("-", " ") + " "
    assert verdict(scan(page, typed)) == ("granted", "ok", "offline")

    panel = page.locator("#checkin-answer")
    assert badge.accreditation.member.badge_name in panel.inner_text()
    assert "compare the photo" in panel.inner_text().lower()
    width = page.locator("#checkin-answer img").evaluate("img => img.naturalWidth")
    assert width > 0


def test_past_the_offline_limit_the_gate_asks_for_a_sync_instead_of_deciding(page, world, settings):
    open_gate(page)
    page.context.set_offline(True)
    page.locator("#gate-network[data-state=offline]").wait_for()
    # The list was last refreshed longer ago than the bundle's offline_max_minutes.
    page.evaluate("hsGate.state.bundle.fetched_at -= (hsGate.state.bundle.offline_max_minutes + 1) * 60000")

    line = scan(page, codes.badge_code(world["granted"]))

    assert verdict(line)[0] == "sync_needed"
    assert page.locator("#gate-bundle-age").get_attribute("data-stale") == "1"
    assert "sync needed" in page.locator("#checkin-answer").inner_text().lower()


def test_online_a_typed_number_is_checked_by_the_server_with_the_photo(page, world):
    badge = world["granted"]
    open_gate(page)

    line = scan(page, short.short_number(badge.number))

    assert verdict(line) == ("granted", "ok", "server")
    panel = page.locator("#checkin-answer")
    assert badge.accreditation.member.badge_name in panel.inner_text()
    assert "compare the photo" in panel.inner_text().lower()
    page.locator("#checkin-answer img").wait_for()
    assert Scan.objects.get(nonce=line.get_attribute("data-nonce")).badge_id == badge.pk
