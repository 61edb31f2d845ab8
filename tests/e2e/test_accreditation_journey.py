"""Flow 2 and 3 in a real browser: an officer approves, security clears, protocol prints and
hands the badge over; then the gate grants the badge, and denies it once it is reprinted."""

import io

import pytest
from django.urls import NoReverseMatch, reverse

from accreditation.models import AccreditationStatus, Badge
from tests import factories
from tests.accreditation.review_helpers import reference_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
S = AccreditationStatus
PASSWORD = "pw-Hanoi-2025"


def _logged_in(browser, live_server, username, next_url):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{reverse('portal:login')}?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{next_url}")
    return page


def _gate_page_exists():
    try:
        reverse("protocol:checkin")
    except NoReverseMatch:
        return False
    return True


def test_officer_security_protocol_and_gate(browser, live_server, settings):
    reference_data()
    delegation = factories.StateDelegationFactory(name="Viet Nam", country="VN")
    member = factories.MemberFactory(
        delegation=delegation,
        family_name="Nguyễn",
        given_names="Thị Hương",
        family_name_first=True,
        badge_name="Nguyễn Thị Hương",
        passport_number="C1234567",
        is_locked=True,
    )
    accreditation = factories.AccreditationFactory(member=member, status=S.SUBMITTED)
    for username, role in [
        ("officer", "Accreditation officer"),
        ("security", "Security officer"),
        ("protocol", "Protocol officer"),
        ("gate", "Gate officer"),
    ]:
        factories.StaffUserFactory(username=username, role=role)

    # The accreditation officer approves with the suggested category (DEL).
    page = _logged_in(browser, live_server, "officer", reverse("review:queue"))
    page.get_by_role("link", name="Nguyễn Thị Hương").click()
    assert page.locator("#id_category option:checked").inner_text().startswith("DEL")
    page.get_by_role("button", name="Approve", exact=True).click()
    page.wait_for_url(f"**{reverse('review:queue')}")
    assert "approved" in page.locator(".alert-success").inner_text()
    accreditation.refresh_from_db()
    assert accreditation.status == S.APPROVED

    # Security clears.
    page = _logged_in(browser, live_server, "security", reverse("review:vetting-queue"))
    page.get_by_role("link", name="Nguyễn Thị Hương").click()
    assert "C1234567" in page.content()
    page.get_by_role("button", name="Clear", exact=True).click()
    page.wait_for_url(f"**{reverse('review:vetting-queue')}")
    accreditation.refresh_from_db()
    assert accreditation.status == S.CLEARED

    # Protocol prints the batch and downloads one PDF.
    protocol = _logged_in(browser, live_server, "protocol", reverse("protocol:print-queue"))
    protocol.locator("[data-select-all]").check()
    protocol.select_option("#id_layout", "cr80")
    protocol.get_by_role("button", name="Print selected").click()
    protocol.wait_for_url("**/protocol/batches/*/")
    with protocol.expect_download() as download:
        protocol.get_by_role("link", name="Download the PDF").click()
    with open(download.value.path(), "rb") as handle:
        data = handle.read()
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert "Nguyễn Thị Hương" in reader.pages[0].extract_text()
    badge = Badge.objects.get()
    assert badge.printed_at is not None

    # The desk hands it over against the passport.
    protocol.goto(reverse("protocol:desk"))
    protocol.fill("#id_q", "Nguyễn")
    protocol.get_by_role("button", name="Search").click()
    protocol.fill(f"#passport-{badge.pk}", "c1234567")
    protocol.get_by_role("button", name="Hand over").click()
    assert "handed over" in protocol.locator(".alert-success").inner_text()
    badge.refresh_from_db()
    assert badge.collected_at is not None
    assert badge.accreditation.status == S.COLLECTED

    if not _gate_page_exists():
        return
    from accreditation.badges import codes

    settings.EVENT_NOW = "2025-10-25T08:30:00+07:00"
    code = codes.badge_code(Badge.objects.select_related("category").get(pk=badge.pk))
    gate = _logged_in(browser, live_server, "gate", reverse("protocol:checkin"))
    gate.select_option("select[name=zone]", "PLN")
    gate.fill("#checkin-code", code)
    gate.press("#checkin-code", "Enter")
    gate.wait_for_selector("#checkin-answer [data-result=granted]")
    assert "Nguyễn Thị Hương" in gate.locator("#checkin-answer").inner_text()

    # Lost: protocol reprints; the old version stops working at once.
    protocol.goto(f"{reverse('protocol:desk')}?q={badge.number}")
    protocol.locator("summary").click()
    protocol.fill(f"#reason-{badge.pk}", "lost")
    protocol.get_by_role("button", name="Reprint (revokes this version)").click()
    protocol.wait_for_url(f"**{reverse('protocol:print-queue')}")
    gate.fill("#checkin-code", code)
    gate.press("#checkin-code", "Enter")
    gate.wait_for_selector("#checkin-answer [data-result=denied][data-reason=revoked]")
