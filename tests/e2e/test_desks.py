"""Each desk's main task in a real browser: a reviewer searches "nguyen", decides and goes
on to the next person with "save and next"; the badge desk finds the person at the counter,
prints their one badge and hands it over."""

import io

import pytest
from django.urls import reverse

from accreditation.models import AccreditationStatus, Badge
from tests import factories
from tests.accreditation.review_helpers import reference_data
from tests.e2e.test_accreditation_journey import _logged_in
from tests.factories import hanoi_time

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
S = AccreditationStatus


def _submitted(delegation, family_name, given_names, day):
    member = factories.MemberFactory(
        delegation=delegation,
        family_name=family_name,
        given_names=given_names,
        badge_name=f"{family_name} {given_names}",
        # Vietnamese names: the family name first, on every page.
        family_name_first=True,
        is_locked=True,
        with_photo=True,
    )
    return factories.AccreditationFactory(member=member, status=S.SUBMITTED, submitted_at=hanoi_time(day, 9))


def test_reviewer_searches_decides_and_goes_to_the_next(browser, live_server):
    reference_data()
    viet_nam = factories.StateDelegationFactory(name="Viet Nam", country="VN", code="vnm")
    first = _submitted(viet_nam, "Nguyễn", "Thị Hương", -9)
    _submitted(viet_nam, "Trần", "Văn Minh", -8)
    second = _submitted(viet_nam, "Nguyễn", "Văn An", -7)
    factories.StaffUserFactory(username="officer", role="Accreditation officer")

    page = _logged_in(browser, live_server, "officer", reverse("review:queue"))
    page.fill("#id_q", "nguyen")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**q=nguyen**")
    rows = page.locator("tbody tr")
    assert rows.count() == 2
    assert "Trần" not in page.locator("tbody").inner_text()
    # The bulk action sits above the list and says what it does.
    assert page.locator("[data-testid=bulk-actions]").is_visible()
    assert page.locator("[data-testid=suggested]").first.inner_text() == "DEL"

    page.get_by_role("link", name="Nguyễn Thị Hương").click()
    page.get_by_role("button", name="Approve and next").click()
    page.wait_for_url(f"**{reverse('review:detail', args=[second.pk])}?q=nguyen**")
    assert "approved" in page.locator(".alert-success").inner_text()
    assert "Nguyễn Văn An" in page.locator("h1").inner_text()

    page.get_by_role("button", name="Approve and next").click()
    # Nobody else matches: back to the queue, still searching "nguyen", now empty.
    page.wait_for_url(f"**{reverse('review:queue')}?q=nguyen**")
    assert page.locator("#id_q").input_value() == "nguyen"
    assert "No request is waiting." in page.locator("tbody").inner_text()
    for accreditation in (first, second):
        accreditation.refresh_from_db()
        assert accreditation.status == S.APPROVED


def test_desk_searches_prints_one_badge_and_hands_it_over(browser, live_server):
    zones, categories = reference_data()
    viet_nam = factories.StateDelegationFactory(name="Viet Nam", country="VN", code="vnm")
    cleared = factories.AccreditationFactory(
        member=factories.MemberFactory(
            delegation=viet_nam,
            family_name="Bùi",
            given_names="Hữu Nam",
            badge_name="Bùi Hữu Nam",
            passport_number="B7654321",
            is_locked=True,
            with_photo=True,
        ),
        status=S.CLEARED,
        category=categories["DEL"],
    )
    in_review = _submitted(viet_nam, "Bùi", "Thị Lan", -2)
    factories.StaffUserFactory(username="protocol", role="Protocol officer")

    desk = _logged_in(browser, live_server, "protocol", reverse("protocol:desk"))
    desk.fill("#id_q", "bui")
    desk.get_by_role("button", name="Search").click()
    waiting = desk.locator(f"[data-person='{in_review.member.pk}'] [data-testid=desk-status]")
    assert "In review since" in waiting.inner_text()
    card = desk.locator(f"[data-person='{cleared.member.pk}']")
    assert "Cleared, badge not printed" in card.inner_text()

    card.get_by_role("button", name="Print this badge").click()
    desk.wait_for_url("**/protocol/desk/?q=bui")
    assert "printed for" in desk.locator(".alert-success").inner_text()
    card = desk.locator(f"[data-person='{cleared.member.pk}']")
    assert "Printed, ready to hand over" in card.inner_text()
    badge = Badge.objects.get(accreditation=cleared)
    with desk.expect_download() as download:
        card.get_by_role("link", name="Open the badge PDF").click()
    from pypdf import PdfReader

    with open(download.value.path(), "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    assert len(reader.pages) == 1
    assert "Bùi Hữu Nam" in reader.pages[0].extract_text()

    card.locator(f"#passport-{badge.pk}").fill("b 765 4321")
    card.get_by_role("button", name="Hand over").click()
    assert "handed over" in desk.locator(".alert-success").inner_text()
    badge.refresh_from_db()
    assert badge.collected_at is not None
    assert badge.accreditation.status == S.COLLECTED
