"""Search at the gate app for a person whose badge will not scan: by name online through
the server, and offline in the bundle (without accents: the device folds them); a hit's
badge is checked by its short number."""

import pytest

from accreditation.badges import short
from tests.e2e.gate_app import gate_world, open_gate, verdict

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _search(page, text):
    page.fill("#gate-search-name", text)
    page.locator("#gate-search-results li").first.wait_for()
    return page.locator("#gate-search-results li[data-number]")


def test_search_by_name_online_and_offline(page, db):
    world = gate_world()
    badge = world["granted"]
    open_gate(page)

    hits = _search(page, "Thị Hương")
    assert hits.count() == len(world)  # every badge of the world has this name
    hit = page.locator(f'#gate-search-results li[data-number="{badge.number}"]')
    assert short.short_number(badge.number) in hit.inner_text()
    hit.get_by_role("button").click()
    line = page.locator("#gate-log li").first
    assert verdict(line) == ("granted", "ok", "server")

    page.context.set_offline(True)
    page.locator("#gate-network[data-state=offline]").wait_for()
    page.fill("#gate-search-name", "")
    hits = _search(page, "HUONG")
    assert hits.count() == len(world)
    revoked = page.locator(f'#gate-search-results li[data-number="{world["wrong_zone"].number}"]')
    assert "collected" in revoked.inner_text().lower()
