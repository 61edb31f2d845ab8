import re

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from delegations.models import Document, DocumentKind, MemberRole
from sessions.models import (
    Booking,
    BookingStatus,
    FullPowersStatus,
    GalaInvitation,
    Signature,
    SigningBasis,
    SpeakerRequest,
)
from tests import factories

pytestmark = pytest.mark.django_db


def test_portal_programme_needs_a_focal_point(client):
    response = client.get(reverse("portal_programme:index"))
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(factories.UserFactory())
    assert client.get(reverse("portal_programme:index")).status_code == 403


def test_book_confirmed_then_waitlisted_then_promoted_on_cancel(focal_client, focal):
    session = factories.SessionFactory(capacity=1)
    first, second = (factories.MemberFactory(delegation=focal.delegation) for _ in range(2))
    url = reverse("portal_programme:index")
    focal_client.post(url, {"session": session.pk, "member": first.pk})
    focal_client.post(url, {"session": session.pk, "member": second.pk})
    statuses = dict(Booking.objects.values_list("member_id", "status"))
    assert statuses == {first.pk: BookingStatus.CONFIRMED, second.pk: BookingStatus.WAITLISTED}
    confirmed = Booking.objects.get(member=first)
    response = focal_client.post(reverse("portal_programme:booking_cancel", args=[confirmed.pk]), follow=True)
    assert "moved up from the waiting list" in response.content.decode()
    assert Booking.objects.get(member=second).status == BookingStatus.CONFIRMED


def test_booking_a_member_of_another_delegation_is_refused(focal_client):
    session = factories.SessionFactory()
    stranger = factories.MemberFactory()
    response = focal_client.post(
        reverse("portal_programme:index"), {"session": session.pk, "member": stranger.pk}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Booking.objects.exists()


def test_booking_a_past_session_is_not_offered_and_refused(focal_client, focal):
    past = factories.SessionFactory(
        starts_at=factories.hanoi_time(-10, 9), ends_at=factories.hanoi_time(-10, 10)
    )
    member = factories.MemberFactory(delegation=focal.delegation)
    response = focal_client.post(reverse("portal_programme:index"), {"session": past.pk, "member": member.pk})
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_booking_the_same_member_twice_shows_the_reason(focal_client, focal):
    session = factories.SessionFactory()
    member = factories.MemberFactory(delegation=focal.delegation)
    url = reverse("portal_programme:index")
    focal_client.post(url, {"session": session.pk, "member": member.pk})
    response = focal_client.post(url, {"session": session.pk, "member": member.pk})
    assert response.status_code == 400
    assert "already booked" in response.content.decode()
    assert Booking.objects.count() == 1


def test_another_delegations_booking_cannot_be_cancelled(focal_client):
    booking = factories.BookingFactory()
    assert focal_client.post(reverse("portal_programme:booking_cancel", args=[booking.pk])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


@pytest.mark.parametrize("rows", [1, 3])
def test_bookings_page_query_count(focal_client, focal, django_assert_num_queries, rows):
    for _ in range(rows):
        factories.BookingFactory(member=factories.MemberFactory(delegation=focal.delegation))
    factories.BookingFactory()  # another delegation's: must not show
    # session, user, focal point; bookings; bookable sessions (list + form); members (form); gala
    with django_assert_num_queries(7):
        response = focal_client.get(reverse("portal_programme:index"))
    assert response.content.decode().count("data-booking=") == rows


def test_personal_agenda_lists_what_the_member_attends(client):
    member = factories.MemberFactory()
    booked = factories.BookingFactory(member=member).session
    factories.BookingFactory(member=member, status=BookingStatus.WAITLISTED)
    chaired = factories.SessionRoleFactory(member=member, name="").session
    factories.SessionFactory()  # not theirs
    response = client.get(reverse("portal_programme:agenda_ics", args=[member.agenda_token]))
    assert response["Content-Type"].startswith("text/calendar")
    uids = {event["UID"] for event in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}
    assert uids == {f"{booked.uid}@hanoi-summit", f"{chaired.uid}@hanoi-summit"}


def test_personal_agenda_with_a_wrong_token_is_404(client):
    factories.MemberFactory()
    assert client.get(reverse("portal_programme:agenda_ics", args=["guess"])).status_code == 404


def test_speaker_request_and_withdraw(focal_client, focal):
    plenary = factories.SessionFactory(kind="plenary")
    minister = factories.MemberFactory(delegation=focal.delegation, protocol_rank=60)
    focal_client.post(reverse("portal_programme:speakers"), {"session": plenary.pk, "speaker": minister.pk})
    entry = SpeakerRequest.objects.get()
    assert (entry.delegation_id, entry.level) == (focal.delegation.pk, 60)
    focal_client.post(reverse("portal_programme:speaker_withdraw", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.status == SpeakerRequest.Status.WITHDRAWN


def test_gala_accept_with_guest_and_dietary_needs(focal_client, focal):
    head = factories.MemberFactory(delegation=focal.delegation, role=MemberRole.HEAD)
    invitation = factories.GalaInvitationFactory(member=head, guest_allowed=True)
    prefix = f"g{invitation.pk}"
    focal_client.post(
        reverse("portal_programme:gala_respond", args=[invitation.pk]),
        {
            f"{prefix}-answer": "accept",
            f"{prefix}-guest_name": "Mr Guest",
            f"{prefix}-dietary_needs": "Halal",
        },
    )
    invitation.refresh_from_db()
    assert (invitation.status, invitation.guest_name, invitation.dietary_needs) == (
        "accepted",
        "Mr Guest",
        "Halal",
    )


def test_gala_of_another_delegation_is_404(focal_client):
    invitation = factories.GalaInvitationFactory()
    response = focal_client.post(reverse("portal_programme:gala_respond", args=[invitation.pk]), {})
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == GalaInvitation.Status.INVITED


def test_declare_signatory_then_upload_full_powers(focal_client, focal):
    envoy = factories.MemberFactory(delegation=focal.delegation, protocol_rank=80)
    focal_client.post(
        reverse("portal_programme:signing"),
        {"intends_to_sign": "on", "signatory": envoy.pk, "basis": SigningBasis.FULL_POWERS},
    )
    signature = Signature.objects.get(delegation=focal.delegation)
    assert signature.full_powers_status == FullPowersStatus.AWAITED
    pdf = SimpleUploadedFile("powers.pdf", factories.pdf_bytes("Full powers"), content_type="application/pdf")
    focal_client.post(reverse("portal_programme:full_powers_upload"), {"file": pdf, "reference": "FP/1"})
    signature.refresh_from_db()
    assert signature.full_powers_status == FullPowersStatus.RECEIVED
    assert (
        signature.full_powers.kind == DocumentKind.FULL_POWERS and signature.full_powers.member_id == envoy.pk
    )


def test_full_powers_that_are_not_a_pdf_are_refused(focal_client, focal):
    signature = factories.SignatureFactory(
        delegation=focal.delegation,
        basis=SigningBasis.FULL_POWERS,
        full_powers_status=FullPowersStatus.AWAITED,
    )
    fake = SimpleUploadedFile("powers.pdf", factories.jpeg_bytes(), content_type="application/pdf")
    response = focal_client.post(reverse("portal_programme:full_powers_upload"), {"file": fake})
    assert response.status_code == 400 and "must be a PDF" in response.content.decode()
    signature.refresh_from_db()
    assert signature.full_powers_status == FullPowersStatus.AWAITED
    assert not Document.objects.filter(kind=DocumentKind.FULL_POWERS).exists()


def test_signatory_from_another_delegation_is_refused(focal_client):
    stranger = factories.MemberFactory()
    response = focal_client.post(
        reverse("portal_programme:signing"), {"signatory": stranger.pk, "basis": SigningBasis.HEAD_OF_STATE}
    )
    assert response.status_code == 400
    assert not Signature.objects.exists()


def test_booking_form_shows_session_times_in_hanoi_time(focal_client):
    factories.SessionFactory(
        title="Roundtable 4", starts_at=factories.hanoi_time(2, 15), ends_at=factories.hanoi_time(2, 16)
    )
    body = focal_client.get(reverse("portal_programme:index")).content.decode()
    assert "Roundtable 4 · Sun 26 Oct, 15:00" in body


def test_gala_form_shows_the_answer_already_given(focal_client, focal):
    head = factories.MemberFactory(delegation=focal.delegation, role=MemberRole.HEAD)
    factories.GalaInvitationFactory(
        member=head, guest_allowed=True, status="accepted", guest_name="Mr Guest", dietary_needs="Halal"
    )
    response = focal_client.get(reverse("portal_programme:gala"))
    ((_, form),) = response.context["rows"]
    assert form["answer"].value() == "accept"
    assert (form["guest_name"].value(), form["dietary_needs"].value()) == ("Mr Guest", "Halal")
    html = response.content.decode()
    assert re.search(r'value="accept"[^>]*checked', html)
    assert 'value="Mr Guest"' in html and 'value="Halal"' in html


def test_signing_form_arrives_with_nothing_chosen(focal_client, focal):
    response = focal_client.get(reverse("portal_programme:signing"))
    form = response.context["form"]
    assert form["intends_to_sign"].value() is None or form["intends_to_sign"].value() is False
    assert not form["basis"].value()
    html = response.content.decode()
    assert (
        "checked"
        not in html[
            html.index('id="signature-form"') : html.index("</form>", html.index('id="signature-form"'))
        ]
    )
    # A declaration without a basis is refused with a message, nothing saved.
    member = factories.MemberFactory(delegation=focal.delegation)
    response = focal_client.post(reverse("portal_programme:signing"), {"signatory": member.pk, "basis": ""})
    assert response.status_code == 400 and not Signature.objects.exists()


def test_cancelling_a_booking_asks_first_and_offers_an_undo(focal_client, focal):
    session = factories.SessionFactory(capacity=5)
    member = factories.MemberFactory(delegation=focal.delegation)
    booking = factories.BookingFactory(session=session, member=member)
    html = focal_client.get(reverse("portal_programme:index")).content.decode()
    assert f'data-hs-confirm="Cancel the booking of {member.display_name} for {session.title}?"' in html
    response = focal_client.post(reverse("portal_programme:booking_cancel", args=[booking.pk]), follow=True)
    html = response.content.decode()
    assert 'id="booking-undo"' in html
    # The undo is the booking form sent again.
    focal_client.post(reverse("portal_programme:index"), {"session": session.pk, "member": member.pk})
    assert Booking.objects.filter(member=member, status=BookingStatus.CONFIRMED).count() == 1
    # Offered once only.
    assert 'id="booking-undo"' not in focal_client.get(reverse("portal_programme:index")).content.decode()


def test_the_delegations_bookings_come_before_the_form(focal_client, focal):
    """On a phone the columns stack in the page's order: the bookings first."""
    html = focal_client.get(reverse("portal_programme:index")).content.decode()
    assert html.index('id="bookings"') < html.index('id="booking-form"')
