"""The gate page in headless Chromium: a keyboard-wedge scanner types the code and Enter into
the focused field; the answer is green for a collected badge and red once it is reprinted."""

import pytest
from django.urls import reverse

from accreditation import services
from accreditation.badges import codes
from tests import factories
from tests.accreditation.gate.test_scan import collected_badge

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-Hanoi-2025"


def _gate_role():
    """The Gate officer group: a transactional test before this one may have flushed it."""
    from django.contrib.auth.models import Group, Permission

    from hanoi_summit.roles import GATE_OFFICER

    group, _ = Group.objects.get_or_create(name=GATE_OFFICER)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="accreditation", codename="check_in")
    )


def _log_in(page, username, next_url):
    page.goto(f"{reverse('portal:login')}?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{next_url}")


@pytest.fixture
def badge(db):
    plenary = factories.ZoneFactory(code="PLN", name="Plenary hall")
    factories.ZoneFactory(code="SIG", name="Signing stage")
    _gate_role()
    factories.StaffUserFactory(username="gate", role="Gate officer")
    badge = collected_badge(printed_at=None)
    badge.accreditation.zones.add(plenary)
    type(badge).objects.filter(pk=badge.pk).update(printed_at=badge.collected_at)
    badge.refresh_from_db()
    return badge


def test_gate_grants_then_denies_after_a_reprint(page, badge):
    code = codes.badge_code(badge)
    _log_in(page, "gate", reverse("protocol:checkin"))
    page.goto(reverse("protocol:checkin") + "?zone=PLN&direction=in")

    # The scanner "types" into whatever has the focus: the code field must have it.
    assert page.evaluate("document.activeElement.id") == "checkin-code"
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    answer = page.locator("#checkin-answer [data-result=granted]")
    answer.wait_for()
    text = answer.inner_text()
    assert "GRANTED" in text
    assert "Nguyễn Thị Hương" in text
    assert "DEL" in text
    # The photo follows the verdict (it never delays it).
    page.locator("#checkin-answer img").wait_for()
    assert page.locator("#checkin-answer img").count() == 1
    # The photo of the badge just scanned is served to this gate (and only that one).
    # (Not wait_for_function: its string predicate is an eval, which the page's policy forbids.)
    width = page.locator("#checkin-answer img").evaluate(
        """img => img.complete ? img.naturalWidth : new Promise(done => {
            img.addEventListener("load", () => done(img.naturalWidth));
            img.addEventListener("error", () => done(0));
        })"""
    )
    assert width > 0
    # Ready for the next badge: field emptied and focused again.
    assert page.input_value("#checkin-code") == ""
    assert page.evaluate("document.activeElement.id") == "checkin-code"

    protocol = factories.StaffUserFactory(username="protocol")
    services.badge_reprint(badge=badge, actor=protocol, reason="lost")

    page.keyboard.type(code)
    page.keyboard.press("Enter")
    denied = page.locator("#checkin-answer [data-result=denied][data-reason=revoked]")
    denied.wait_for()
    assert "DENIED" in denied.inner_text()
    assert "revoked" in denied.inner_text()
    assert page.evaluate("document.activeElement.id") == "checkin-code"

    # Another zone chosen survives a reload, and the field has the focus again.
    page.select_option("select[name=zone]", "SIG")
    page.click("label[for=direction-out]")
    page.reload()
    assert page.locator("select[name=zone] option:checked").get_attribute("value") == "SIG"
    assert page.locator("#direction-out").is_checked()
    assert page.evaluate("document.activeElement.id") == "checkin-code"


def test_gate_works_without_javascript(browser, live_server, badge):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        _log_in(page, "gate", reverse("protocol:checkin"))
        page.select_option("select[name=zone]", "SIG")
        page.fill("#checkin-code", codes.badge_code(badge))
        page.press("#checkin-code", "Enter")
        denied = page.locator("#checkin-answer [data-result=denied][data-reason=wrong_zone]")
        denied.wait_for()
        assert "does not give access to this zone" in denied.inner_text()
        # The zone chosen is kept for the next scan.
        assert page.locator("select[name=zone] option:checked").get_attribute("value") == "SIG"
    finally:
        context.close()
