"""The programme in the portal, in headless Chromium: book into a roundtable with one seat
left (one confirmed, one waitlisted), cancel, see the promotion; accept the gala invitation."""

import pytest
from django.urls import reverse

from delegations.models import MemberRole
from sessions.models import Booking, BookingStatus, GalaInvitation, SessionKind
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-Hanoi-2025"


@pytest.fixture(autouse=True)
def _programme_clock(settings):
    settings.EVENT_NOW = "2025-10-20T09:00:00+07:00"


def _log_in(page, username, next_url):
    page.goto(f"{reverse('portal:login')}?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{next_url}")


def _row(page, name):
    return page.locator(f"#bookings tr[data-member='{name}']")


def test_book_waitlist_cancel_promote_and_accept_the_gala(page):
    focal = factories.FocalPointFactory(
        user__username="focal-fra", delegation=factories.StateDelegationFactory()
    )
    delegation = focal.delegation
    roundtable = factories.SessionFactory(title="Roundtable 1: electronic evidence", capacity=3)
    for _ in range(2):
        factories.BookingFactory(session=roundtable)  # other delegations hold two of the three seats
    first = factories.MemberFactory(
        delegation=delegation, given_names="Claire", family_name="Martin", badge_name="Claire Martin"
    )
    second = factories.MemberFactory(
        delegation=delegation, given_names="Louis", family_name="Durand", badge_name="Louis Durand"
    )
    head = factories.MemberFactory(delegation=delegation, role=MemberRole.HEAD, badge_name="Jean Bernard")
    gala = factories.SessionFactory(
        kind=SessionKind.GALA_DINNER, booking_mode="invitation", title="Gala dinner"
    )
    invitation = GalaInvitation.objects.create(session=gala, member=head, guest_allowed=True)

    programme_url = reverse("portal_programme:index")
    _log_in(page, "focal-fra", programme_url)

    for member in (first, second):
        page.select_option("#id_session", str(roundtable.pk))
        page.select_option("#id_member", str(member.pk))
        page.locator("#booking-form button[type=submit]").click()
        page.wait_for_url(f"**{programme_url}")
    assert _row(page, "Claire Martin").get_attribute("data-status") == "confirmed"
    assert _row(page, "Louis Durand").get_attribute("data-status") == "waitlisted"
    assert "waiting list" in page.locator(".alert").first.inner_text()

    # Cancelling asks first: "Keep it" leaves the booking as it was.
    _row(page, "Claire Martin").locator("button", has_text="Cancel").click()
    dialog = page.locator("dialog#hs-confirm")
    assert dialog.is_visible()
    assert "Cancel the booking of Claire Martin" in dialog.inner_text()
    dialog.get_by_role("button", name="Keep it").click()
    assert not dialog.is_visible()
    assert Booking.objects.get(member=first).status == BookingStatus.CONFIRMED
    _row(page, "Claire Martin").locator("button", has_text="Cancel").click()
    with page.expect_navigation():
        dialog.get_by_role("button", name="Yes, go ahead").click()
    assert "Louis Durand moved up from the waiting list" in page.content()
    assert page.locator("#booking-undo").is_visible()
    assert _row(page, "Louis Durand").get_attribute("data-status") == "confirmed"
    assert _row(page, "Claire Martin").get_attribute("data-status") == "cancelled"
    assert Booking.objects.get(member=second).status == BookingStatus.CONFIRMED

    page.locator(".nav-tabs a", has_text="Gala dinner").click()
    card = page.locator(f"[data-invitation='{invitation.pk}']")
    card.get_by_label("Accept").check()
    card.get_by_label("Guest's name").fill("Marie Bernard")
    card.get_by_label("Dietary needs").fill("Vegetarian")
    card.locator("button[type=submit]").click()
    page.wait_for_url("**" + reverse("portal_programme:gala"))
    assert "Accepted" in page.locator(f"[data-invitation='{invitation.pk}'] .card-header").inner_text()
    invitation.refresh_from_db()
    assert (invitation.status, invitation.guest_name, invitation.dietary_needs) == (
        "accepted",
        "Marie Bernard",
        "Vegetarian",
    )
    # The form shows the answer saved.
    card = page.locator(f"[data-invitation='{invitation.pk}']")
    assert card.get_by_label("Accept").is_checked()
    assert card.get_by_label("Guest's name").input_value() == "Marie Bernard"
