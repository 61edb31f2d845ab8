"""axe-core in the browser on each role's main page and the public programme: no critical or
serious violation (WCAG 2.1 A and AA rules). axe-core is vendored for the tests only
(tests/e2e/vendor/, pinned, with its licence) and injected by the browser, never served."""

from pathlib import Path

import pytest
from django.urls import reverse

from accreditation.models import AccreditationStatus as S
from tests import factories
from tests.accreditation.review_helpers import reference_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core-4.10.3" / "axe.min.js"
PASSWORD = "pw-Hanoi-2025"
#: The rules of WCAG 2.0 and 2.1, levels A and AA.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _page(browser, live_server, *, username=None, viewport=None):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport=viewport or {"width": 1280, "height": 900}
    )
    # An init script is the browser's, not the page's: the site's Content-Security-Policy
    # (no inline script) does not apply to it, and the site never serves axe.
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(15000)
    if username:
        page.goto(reverse("portal:login"))
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
    return page


def serious_violations(page):
    """axe's critical and serious violations on the page shown, as readable lines."""
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("critical", "serious")
    ]


@pytest.fixture
def event(db, settings):
    # The demonstration clock's banner shows on every page: it is checked too.
    settings.EVENT_NOW = "2025-10-25T10:00:00+07:00"
    reference_data()
    delegation = factories.StateDelegationFactory(name="Viet Nam", country="VN", code="vnm")
    focal = factories.FocalPointFactory(delegation=delegation, user__username="focal-vnm")
    focal.user.set_password(PASSWORD)
    focal.user.save()
    for family, status in (("Lê", S.REJECTED), ("Trần", S.COLLECTED), ("Phạm", S.UNDER_REVIEW)):
        member = factories.MemberFactory(
            delegation=delegation,
            family_name=family,
            given_names="Văn An",
            family_name_first=True,
            is_locked=True,
        )
        factories.AccreditationFactory(member=member, status=status)
    factories.MemberFactory(
        delegation=delegation, family_name="Vũ", given_names="Thị Mai", family_name_first=True
    )
    factories.SessionFactory(title="Opening plenary")
    for username, role, staff in (
        ("secretariat", "Secretariat", True),
        ("officer", "Accreditation officer", True),
        ("security", "Security officer", False),
        ("protocol", "Protocol officer", True),
        ("gate", "Gate officer", False),
    ):
        factories.StaffUserFactory(username=username, role=role, is_staff=staff)
    return delegation


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("secretariat", "/dashboard/"),
        ("officer", "/accreditation/"),
        ("security", "/accreditation/security/"),
        ("protocol", "/protocol/"),
        ("protocol", "/protocol/desk/"),
        ("gate", "/protocol/checkin/"),
        ("focal-vnm", "/portal/"),
        ("focal-vnm", "/portal/members/"),
        (None, "/programme/"),
    ],
)
def test_no_serious_accessibility_fault(browser, live_server, event, username, url):
    page = _page(browser, live_server, username=username)
    page.goto(url)
    assert page.url.endswith(url)
    assert serious_violations(page) == []


PHONE = {"width": 390, "height": 844}


def _runs_off_the_page(page):
    return page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1")


def test_the_programme_on_a_phone(browser, live_server, event):
    page = _page(browser, live_server, viewport=PHONE)
    page.goto("/programme/")
    assert serious_violations(page) == []
    # The filters fold away on a phone, and open when asked; they stand open on a desktop.
    details = page.locator("details.hs-filters")
    assert not details.evaluate("node => node.open")
    page.get_by_text("Filter the programme").first.click()
    assert page.locator("#id_day").is_visible()
    assert not _runs_off_the_page(page)
    wide = _page(browser, live_server)
    wide.goto("/programme/")
    assert wide.locator("details.hs-filters").evaluate("node => node.open")


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("secretariat", "/dashboard/"),
        ("officer", "/accreditation/"),
        ("protocol", "/protocol/print/"),
        ("protocol", "/protocol/batches/"),
        ("protocol", "/protocol/programme/signing/"),
        ("focal-vnm", "/portal/members/"),
    ],
)
def test_staff_tables_scroll_inside_their_frame_on_a_phone(browser, live_server, event, username, url):
    page = _page(browser, live_server, username=username, viewport=PHONE)
    page.goto(url)
    assert page.url.endswith(url)
    assert not _runs_off_the_page(page)


def test_a_focal_point_sees_the_true_statuses(browser, live_server, event):
    page = _page(browser, live_server, username="focal-vnm")
    page.goto("/portal/members/")
    statuses = {
        row.locator("td").first.inner_text().split("\n")[0]: row.locator("[data-status-label]").inner_text()
        for row in page.locator("#members tbody tr").all()
    }
    assert statuses == {
        "Lê Văn An": "Rejected",
        "Trần Văn An": "Badge collected",
        "Phạm Văn An": "Under review",
        "Vũ Thị Mai": "Draft",
    }
    assert page.get_by_role("columnheader", name="Accreditation").is_visible()
    assert "Signed in as focal-vnm" in page.inner_text("nav")
