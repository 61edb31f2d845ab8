"""Under the Content-Security-Policy, in headless Chromium: no page reports a violation, and
what moved out of inline code still works (colours, widths, the language switcher)."""

import pytest
from django.urls import reverse

from accreditation.models import AccreditationStatus
from delegations.models import Member
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-Hanoi-2025"

#: Collects the page's CSP violations, from before its first script runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def _log_in(page, username):
    page.goto(reverse("portal:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def _violations(page):
    return page.evaluate("window.__cspViolations")


def _visit(page, path):
    response = page.goto(path)
    assert response.status == 200, path
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert _violations(page) == [], path


@pytest.fixture
def vip(db):
    category = factories.CategoryFactory(code="VIP", name="VIP", colour="#8B0000", text_colour="#FFFFFF")
    factories.AccreditationFactory(status=AccreditationStatus.CLEARED, category=category)
    factories.ZoneFactory(code="PLN", name="Plenary hall", capacity=100)
    return category


def test_staff_pages_run_without_violations_and_keep_their_colours(page, vip):
    page.add_init_script(RECORD_VIOLATIONS)
    factories.StaffUserFactory(role="Protocol officer", username="protocol")
    _log_in(page, "protocol")

    for path in ("/protocol/", "/protocol/desk/", "/programme/"):
        _visit(page, path)
    _visit(page, "/protocol/print/")
    badge = page.locator("[data-hs-bg]").first
    assert badge.evaluate("node => getComputedStyle(node).backgroundColor") == "rgb(139, 0, 0)"
    assert badge.evaluate("node => getComputedStyle(node).color") == "rgb(255, 255, 255)"


def test_gate_and_occupancy_pages_run_without_violations(page, vip):
    page.add_init_script(RECORD_VIOLATIONS)
    factories.StaffUserFactory(role="Gate officer", username="gate")
    _log_in(page, "gate")

    _visit(page, "/protocol/checkin/")
    # checkin.js took over the form: the code field has the focus.
    assert page.evaluate("document.activeElement.id") == "checkin-code"
    _visit(page, "/protocol/checkin/occupancy/")


def test_dashboard_and_admin_run_without_violations(page, vip):
    page.add_init_script(RECORD_VIOLATIONS)
    factories.StaffUserFactory(role="Secretariat", username="secretariat", is_superuser=True)
    _log_in(page, "secretariat")

    for path in ("/dashboard/", "/admin/", "/admin/accreditation/category/", "/admin/delegations/member/"):
        _visit(page, path)
    _visit(page, "/admin/accreditation/accreditation/")
    pill = page.locator(".hs-pill").first
    assert pill.evaluate("node => getComputedStyle(node).backgroundColor") == "rgb(25, 135, 84)"  # success
    # A change form with the admin's widgets (dates, selects, related-object links).
    member = Member.objects.get()
    _visit(page, f"/admin/delegations/member/{member.pk}/change/")
    _visit(page, "/admin/programme/session/add/")


def test_language_switcher_submits_under_the_policy(page):
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto("/programme/")
    page.select_option("select[name=language]", "fr")
    with page.expect_navigation():
        page.click("#language-switcher button")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert _violations(page) == []


def test_api_docs_render_under_their_policies(page, db):
    """Swagger UI under the site's policy, ReDoc with its path's additions: both draw the
    schema's operations. ReDoc's bundle always asks for its maker's logo from a CDN; the
    policy refuses it (the logo hides itself), and that is the only violation."""
    page.add_init_script(RECORD_VIOLATIONS)
    _visit(page, "/api/docs/")
    page.wait_for_selector(".opblock", timeout=20000)
    assert _violations(page) == []
    response = page.goto("/api/redoc/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("[data-section-id]", timeout=20000)
    page.wait_for_load_state("networkidle")
    assert _violations(page) == ["img-src https://cdn.redoc.ly/redoc/logo-mini.svg"]
