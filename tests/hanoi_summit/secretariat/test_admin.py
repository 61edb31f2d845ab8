"""The secretariat's admin: branding, the outbox with its actions, the read-only audit trail."""

from unittest import mock

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.html import escape

from hanoi_summit.core.errors import DomainError
from hanoi_summit.core.models import AuditEntry, EmailStatus, OutgoingEmail
from hanoi_summit.core.outbox import queue as outbox
from tests import factories

pytestmark = pytest.mark.django_db

OUTBOX_URL = reverse("admin:hanoi_summit_outgoingemail_changelist")
AUDIT_URL = reverse("admin:hanoi_summit_auditentry_changelist")


def test_admin_index_carries_the_secretariat_header(secretariat_client):
    response = secretariat_client.get(reverse("admin:index"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Hanoi Convention — Secretariat" in html
    assert "Secretariat administration" in html
    # The secretariat sees the outbox and the audit trail among its models.
    assert OUTBOX_URL in html
    assert AUDIT_URL in html
    # The way to the other desks: dashboard, programme, protocol.
    assert 'href="/dashboard/"' in html
    assert f'href="{reverse("programme:index")}"' in html


def test_focal_point_is_sent_to_the_portal_not_the_admin(client):
    focal = factories.FocalPointFactory()
    client.force_login(focal.user)

    response = client.get(OUTBOX_URL)

    assert response.status_code == 302
    assert response.url == reverse("portal:home")


@pytest.mark.parametrize("rows", [1, 3])
def test_outbox_changelist_query_count_does_not_grow(secretariat_client, django_assert_num_queries, rows):
    emails = factories.OutgoingEmailFactory.create_batch(
        rows, status=EmailStatus.FAILED, attempts=3, last_error="550 mailbox unavailable"
    )

    with django_assert_num_queries(7):
        response = secretariat_client.get(OUTBOX_URL)

    html = response.content.decode()
    for email in emails:
        assert email.to in html
    assert "550 mailbox unavailable" in html


def test_outbox_filters_by_status_and_searches_by_recipient(secretariat_client):
    failed = factories.OutgoingEmailFactory(status=EmailStatus.FAILED, to="failed@example.org")
    sent = factories.OutgoingEmailFactory(status=EmailStatus.SENT, to="sent@example.org")

    by_status = secretariat_client.get(OUTBOX_URL, {"status__exact": "failed"})
    by_search = secretariat_client.get(OUTBOX_URL, {"q": "sent@"})

    assert list(by_status.context["cl"].result_list) == [failed]
    assert list(by_search.context["cl"].result_list) == [sent]


def test_outbox_rows_cannot_be_added_or_deleted(secretariat_client, superuser, client):
    email = factories.OutgoingEmailFactory()
    client.force_login(superuser)

    assert client.get(reverse("admin:hanoi_summit_outgoingemail_add")).status_code == 403
    delete_url = reverse("admin:hanoi_summit_outgoingemail_delete", args=[email.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert OutgoingEmail.objects.filter(pk=email.pk).exists()


def _run_action(client, action, emails):
    return client.post(
        OUTBOX_URL,
        {"action": action, "_selected_action": [e.pk for e in emails], "index": 0},
        follow=True,
    )


def test_retry_action_queues_failed_emails_again_and_audits_who(secretariat_client, secretariat_user):
    emails = factories.OutgoingEmailFactory.create_batch(
        2, status=EmailStatus.FAILED, attempts=8, last_error="550 mailbox unavailable"
    )

    response = _run_action(secretariat_client, "retry_selected", emails)

    assert "2 e-mails queued again." in response.content.decode()
    for email in emails:
        email.refresh_from_db()
        assert email.status == EmailStatus.QUEUED
        # The earlier attempts stay counted; a new round starts after them.
        assert (email.attempts, email.round_started_attempts) == (8, 8)
    retries = AuditEntry.objects.filter(action="email.retry")
    assert sorted(int(e.target_id) for e in retries) == sorted(e.pk for e in emails)
    assert {e.actor for e in retries} == {secretariat_user}


def test_cancel_action_reports_rows_the_service_refuses(secretariat_client):
    queued = factories.OutgoingEmailFactory(status=EmailStatus.QUEUED, to="queued@example.org")
    sent = factories.OutgoingEmailFactory(status=EmailStatus.SENT, to="sent@example.org")

    response = _run_action(secretariat_client, "cancel_selected", [queued, sent])

    html = response.content.decode()
    assert "1 e-mail cancelled." in html
    assert "sent@example.org: Only a queued or failed e-mail can be cancelled" in html
    queued.refresh_from_db()
    sent.refresh_from_db()
    assert queued.status == EmailStatus.CANCELLED
    assert sent.status == EmailStatus.SENT


def test_actions_catch_any_domain_error_per_row(secretariat_client):
    emails = factories.OutgoingEmailFactory.create_batch(2, status=EmailStatus.FAILED)
    calls = []

    def refuse_first(*, email, actor):
        calls.append(email.pk)
        if len(calls) == 1:
            raise DomainError("Refused for a reason of its own.", code="custom")

    with mock.patch.object(outbox, "email_retry", refuse_first):
        response = _run_action(secretariat_client, "retry_selected", emails)

    html = response.content.decode()
    assert len(calls) == 2
    assert "1 e-mail queued again." in html
    assert "Refused for a reason of its own." in html


def test_secretariat_without_change_permission_gets_no_actions(client):
    viewer = factories.StaffUserFactory(username="viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_outgoingemail"))
    email = factories.OutgoingEmailFactory(status=EmailStatus.FAILED)
    client.force_login(viewer)

    page = client.get(OUTBOX_URL)
    _run_action(client, "retry_selected", [email])

    assert "retry_selected" not in page.content.decode()
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED


@pytest.mark.parametrize("rows", [1, 3])
def test_audit_changelist_query_count_does_not_grow(secretariat_client, django_assert_num_queries, rows):
    actors = factories.StaffUserFactory.create_batch(rows)
    entries = [
        factories.AuditEntryFactory(actor=actor, action="accreditation.approve", target_repr=f"Member {n}")
        for n, actor in enumerate(actors)
    ]

    with django_assert_num_queries(8):
        response = secretariat_client.get(AUDIT_URL)

    html = response.content.decode()
    for entry in entries:
        assert entry.target_repr in html
        assert entry.actor.username in html


def test_audit_entries_cannot_be_changed_or_deleted_even_by_a_superuser(client, superuser):
    entry = factories.AuditEntryFactory(note="original")
    client.force_login(superuser)
    change_url = reverse("admin:hanoi_summit_auditentry_change", args=[entry.pk])
    delete_url = reverse("admin:hanoi_summit_auditentry_delete", args=[entry.pk])

    page = client.get(change_url)
    posted = client.post(change_url, {"action": "member.delete", "note": "tampered"})
    deleted = client.post(delete_url, {"post": "yes"})
    added = client.get(reverse("admin:hanoi_summit_auditentry_add"))

    # Viewable, but the form has no save button and a post changes nothing.
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert posted.status_code == 403
    assert deleted.status_code == 403
    assert added.status_code == 403
    entry.refresh_from_db()
    assert entry.note == "original"
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_audit_trail_filters_by_action_and_target_type(secretariat_client):
    approve = factories.AuditEntryFactory(
        action="accreditation.approve", target_type="accreditation.accreditation"
    )
    view = factories.AuditEntryFactory(action="member.view", target_type="delegations.member")

    by_action = secretariat_client.get(AUDIT_URL, {"action": "accreditation.approve"})
    by_type = secretariat_client.get(AUDIT_URL, {"target_type": "delegations.member"})

    assert list(by_action.context["cl"].result_list) == [approve]
    assert list(by_type.context["cl"].result_list) == [view]


#: Internal rows nobody should edit by hand: the badge number sequence, the gate bundle's version,
#: and the background documents (their files leave only through their own permission-checked
#: page). And the proxy that only carries the permission to reset a second factor (accounts are
#: in the user admin).
NOT_IN_ADMIN = {"BadgeNumberCounter", "DocumentJob", "GateVersion", "SignInAccount"}


@pytest.mark.parametrize("app_label", ["hanoi_summit", "accreditation", "programme"])
def test_every_model_of_the_secretariat_apps_is_in_the_admin(app_label):
    models = [m for m in apps.get_app_config(app_label).get_models() if m.__name__ not in NOT_IN_ADMIN]

    assert models
    assert [m.__name__ for m in models if not admin.site.is_registered(m)] == []


@pytest.mark.parametrize(
    ("factory", "url_name"),
    [
        (factories.OutgoingEmailFactory, "hanoi_summit_outgoingemail_change"),
        (factories.AuditEntryFactory, "hanoi_summit_auditentry_change"),
    ],
)
def test_detail_pages_open_for_the_secretariat(secretariat_client, factory, url_name):
    obj = factory()

    response = secretariat_client.get(reverse(f"admin:{url_name}", args=[obj.pk]))

    assert response.status_code == 200
    assert escape(str(obj)) in response.content.decode()
