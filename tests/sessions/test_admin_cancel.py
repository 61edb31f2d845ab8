"""Cancelling a session in the admin is the session_cancel service: bookings released, the
focal points of the delegations that held them told through the outbox, all audited."""

import pytest
from django.urls import reverse

from hanoi_summit.core.audit_chain import trail_verify
from hanoi_summit.core.models import AuditEntry, OutgoingEmail
from sessions.models import Booking, BookingStatus, Session
from tests import factories
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


def cancel_url(session):
    return reverse("admin:programme_session_cancel", args=[session.pk])


@pytest.fixture
def booked():
    """A session with a confirmed and a waitlisted member of one delegation (two focal
    points), a confirmed member of another (one), and a booking cancelled long ago."""
    session = factories.SessionFactory(title="Roundtable on cybercrime")
    first = factories.DelegationFactory(name="UNODC")
    second = factories.DelegationFactory(name="Interpol", language="fr")
    focal_points = [
        factories.FocalPointFactory(delegation=first, user__email="a@unodc.example"),
        factories.FocalPointFactory(delegation=first, user__email="b@unodc.example"),
        factories.FocalPointFactory(delegation=second, user__email="dao@interpol.example"),
    ]
    bookings = [
        factories.BookingFactory(session=session, member__delegation=first, member__badge_name="Ann One"),
        factories.BookingFactory(
            session=session,
            member__delegation=first,
            member__badge_name="Bob Two",
            status=BookingStatus.WAITLISTED,
        ),
        factories.BookingFactory(session=session, member__delegation=second, member__badge_name="Cy Three"),
    ]
    old = factories.BookingFactory(session=session, member__delegation=first, status=BookingStatus.CANCELLED)
    return session, bookings, old, focal_points


def test_the_confirmation_page_says_what_will_happen(secretariat_client, booked):
    session, *_ = booked

    page = secretariat_client.get(cancel_url(session)).content.decode()

    assert "Its 3 bookings are released" in page and "their 2 delegations" in page
    assert not Session.objects.get(pk=session.pk).is_cancelled


def test_cancelling_emails_the_focal_points_and_frees_the_bookings(
    secretariat_client, secretariat_user, booked
):
    session, bookings, old, _ = booked

    response = secretariat_client.post(cancel_url(session), {"reason": "The room is needed for the plenary."})

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.is_cancelled
    assert set(Booking.objects.filter(session=session).values_list("status", flat=True)) == {"cancelled"}
    # Freed: the members may book another session at the same time.
    assert not Booking.objects.filter(
        member=bookings[0].member, status__in=["confirmed", "waitlisted"]
    ).exists()
    emails = {email.to: email for email in OutgoingEmail.objects.all()}
    assert set(emails) == {"a@unodc.example", "b@unodc.example", "dao@interpol.example"}
    unodc = emails["a@unodc.example"]
    assert "Roundtable on cybercrime" in unodc.subject
    assert "Ann One" in unodc.body_text and "Bob Two" in unodc.body_text and "Cy Three" not in unodc.body_text
    assert "The room is needed for the plenary." in unodc.body_text
    assert emails["dao@interpol.example"].language == "fr"
    assert "Cy Three" in emails["dao@interpol.example"].body_text
    entry = AuditEntry.objects.get(action="session.cancel")
    assert entry.actor == secretariat_user and entry.target_id == str(session.pk)
    assert entry.before == {"is_cancelled": False}
    assert entry.after == {"is_cancelled": True, "bookings_released": 3}
    assert entry.note == "The room is needed for the plenary."
    cancelled = AuditEntry.objects.filter(action="booking.cancel")
    assert sorted(cancelled.values_list("target_id", flat=True)) == sorted(str(b.pk) for b in bookings)
    assert {(e.before["status"], e.after["status"]) for e in cancelled} == {
        ("confirmed", "cancelled"),
        ("waitlisted", "cancelled"),
    }
    assert trail_verify().ok


def test_a_second_cancel_is_refused_and_sends_nothing(secretariat_client, booked):
    session, *_ = booked
    secretariat_client.post(cancel_url(session))

    response = secretariat_client.post(cancel_url(session), follow=True)

    assert "already been cancelled" in response.content.decode()
    assert OutgoingEmail.objects.count() == 3
    assert AuditEntry.objects.filter(action="session.cancel").count() == 1


def test_the_change_form_cannot_cancel_a_session(secretariat_client, booked):
    session, *_ = booked
    url = reverse("admin:programme_session_change", args=[session.pk])
    page = secretariat_client.get(url).content.decode()
    assert 'name="is_cancelled"' not in page and cancel_url(session) in page

    data = change_form_data(secretariat_client.get(url))
    response = secretariat_client.post(url, {**data, "is_cancelled": "on", "title": "Renamed"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    session.refresh_from_db()
    assert session.title == "Renamed" and not session.is_cancelled
    assert not OutgoingEmail.objects.exists()


def test_only_those_who_may_change_sessions_cancel_them(client, booked):
    session, *_ = booked
    client.force_login(factories.StaffUserFactory(role="Protocol officer"))

    assert client.post(cancel_url(session)).status_code == 403
    assert not Session.objects.get(pk=session.pk).is_cancelled
