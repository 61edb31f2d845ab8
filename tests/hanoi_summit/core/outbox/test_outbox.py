"""The e-mail outbox: queued with the change, sent after commit, at most once, retried by error class.

Tasks run eagerly here (no REDIS_URL), e-mail goes to Django's locmem outbox, and
`FlakyBackend` raises the smtplib errors a real server or network produces.
tests/integration/ repeats the essentials against a real worker, Redis and an SMTP server.
"""

import datetime as dt
import smtplib
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core.mail.backends import locmem
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from hanoi_summit.core.models import AuditEntry, EmailStatus, OutgoingEmail
from hanoi_summit.core.outbox.queue import OutboxError, email_cancel, email_queue, email_retry
from hanoi_summit.core.outbox.sending import email_purge_sent, email_requeue_stale, email_send
from hanoi_summit.tasks import outbox_send
from tests.factories import OutgoingEmailFactory, StaffUserFactory
from tests.postgres import session_setting

pytestmark = pytest.mark.django_db

ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:rt-1@hanoi\r\nSUMMARY:Roundtable 1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"


class FlakyBackend(locmem.EmailBackend):
    """locmem, except that it first raises the errors queued in `errors`, one per send."""

    errors = []

    def send_messages(self, email_messages):
        if FlakyBackend.errors:
            raise FlakyBackend.errors.pop(0)
        return super().send_messages(email_messages)


@pytest.fixture
def smtp_errors(settings, mailoutbox):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.errors = []
    yield FlakyBackend.errors
    FlakyBackend.errors = []


def queue(key="member:1:confirmation", **overrides):
    fields = {
        "to": "amina.diallo@example.org",
        "dedupe_key": key,
        "subject": "Your accreditation request",
        "body_text": "We received your request.",
    }
    return email_queue(**{**fields, **overrides})


def ago(**delta):
    return timezone.now() - dt.timedelta(**delta)


# --- queueing ---------------------------------------------------------------------------


def test_queue_in_a_rolled_back_transaction_leaves_nothing(mailoutbox, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue()
        raise RuntimeError("the change behind the e-mail failed")
    assert OutgoingEmail.objects.count() == 0
    assert callbacks == []
    assert mailoutbox == []


def test_queued_email_is_sent_only_after_commit(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        email = queue()
    assert email.status == EmailStatus.QUEUED
    assert mailoutbox == []
    assert len(callbacks) == 1

    callbacks[0]()

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["amina.diallo@example.org"], "Your accreditation request")
    ]
    assert mailoutbox[0].extra_headers["X-Hanoi-Outbox-Id"] == str(email.pk)


def test_same_dedupe_key_twice_queues_one_email(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = queue()
        second = queue(subject="A different subject")
    assert second.pk == first.pk
    assert OutgoingEmail.objects.count() == 1
    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Your accreditation request"


def test_queue_renders_templates_in_the_given_language(settings, tmp_path, mailoutbox):
    emails = tmp_path / "emails"
    emails.mkdir()
    (emails / "hello.subject.txt").write_text(
        "{% load i18n %}\n{% get_current_language as lang %}Welcome, {{ name }} ({{ lang }})\n"
    )
    (emails / "hello.txt").write_text("Dear {{ name }},\n")
    (emails / "hello.html").write_text("<p>Dear {{ name }},</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]

    email = email_queue(
        to="a@example.org", dedupe_key="t", template="hello", context={"name": "Lan"}, language="vi"
    )

    assert (email.subject, email.body_text, email.body_html, email.language) == (
        "Welcome, Lan (vi)",
        "Dear Lan,\n",
        "<p>Dear Lan,</p>",
        "vi",
    )


def test_attachments_and_html_arrive(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue(
            body_html="<p>We received your request.</p>",
            attachments=[{"filename": "agenda.ics", "mimetype": "text/calendar", "content": ICS}],
        )
    [message] = mailoutbox
    assert message.alternatives[0][:2] == ("<p>We received your request.</p>", "text/html")
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == ("agenda.ics", "text/calendar")
    assert "SUMMARY:Roundtable 1" in content
    assert "Content-Type: text/calendar" in message.message().as_string()


def test_binary_attachment_is_refused_before_anything_is_written():
    with pytest.raises(TypeError):
        queue(attachments=[{"filename": "a.pdf", "mimetype": "application/pdf", "content": b"%PDF"}])
    assert OutgoingEmail.objects.count() == 0


def test_broker_down_keeps_the_row_queued_and_the_caller_unharmed(
    mailoutbox, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(outbox_send, "apply_async", side_effect=OperationalError("Error 111 connecting")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        email = queue()
    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED
    assert mailoutbox == []

    # Redis is back; the beat sweep runs once the row has waited past the grace period.
    OutgoingEmail.objects.filter(pk=email.pk).update(updated_at=ago(minutes=5))
    assert email_requeue_stale() == 1

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert len(mailoutbox) == 1


# --- sending ----------------------------------------------------------------------------


def test_sending_twice_sends_one_message(mailoutbox):
    email = OutgoingEmailFactory()
    email_send(email_id=email.pk)
    email_send(email_id=email.pk)
    outbox_send.delay(email.pk)
    assert len(mailoutbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)


@pytest.mark.parametrize("status", [EmailStatus.SENDING, EmailStatus.FAILED, EmailStatus.CANCELLED])
def test_only_queued_rows_are_sent(mailoutbox, status):
    email = OutgoingEmailFactory(status=status)
    assert email_send(email_id=email.pk) is None
    assert mailoutbox == []
    email.refresh_from_db()
    assert (email.status, email.attempts) == (status, 0)


def test_missing_row_is_ignored(mailoutbox):
    assert email_send(email_id=987654) is None
    assert mailoutbox == []


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPConnectError(421, b"Too many connections"),
        smtplib.SMTPResponseException(451, b"Requested action aborted: local error"),
        smtplib.SMTPRecipientsRefused({"a@example.org": (452, b"Mailbox full")}),
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_temporary_error_requeues_with_backoff(smtp_errors, error):
    smtp_errors.append(error)
    email = OutgoingEmailFactory()
    before = timezone.now()

    wait = email_send(email_id=email.pk)

    email.refresh_from_db()
    assert 30 <= wait <= 36
    assert (email.status, email.attempts) == (EmailStatus.QUEUED, 1)
    assert (
        before + dt.timedelta(seconds=30)
        <= email.next_attempt_at
        <= timezone.now() + dt.timedelta(seconds=36)
    )
    assert email.last_error.startswith(type(error).__name__)


def test_backoff_doubles_per_attempt(smtp_errors):
    smtp_errors.append(smtplib.SMTPResponseException(421, b"Service not available"))
    email = OutgoingEmailFactory(attempts=2)
    assert 120 <= email_send(email_id=email.pk) <= 144


def test_retry_after_backoff_sends(smtp_errors, mailoutbox):
    smtp_errors.append(smtplib.SMTPServerDisconnected("gone"))
    email = OutgoingEmailFactory()
    email_send(email_id=email.pk)

    # A duplicate dispatch during the backoff does nothing...
    assert email_send(email_id=email.pk) is None
    assert mailoutbox == []

    # ...the scheduled retry, once due, sends.
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    email_send(email_id=email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 2, "")
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPResponseException(550, b"5.1.1 No such user"),
        smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"No such user")}),
        smtplib.SMTPAuthenticationError(535, b"Authentication failed"),
        smtplib.SMTPNotSupportedError("STARTTLS extension not supported by server."),
        ValueError("a bug while building the message"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_permanent_error_marks_failed(smtp_errors, error):
    smtp_errors.append(error)
    email = OutgoingEmailFactory()

    assert email_send(email_id=email.pk) is None

    email.refresh_from_db()
    assert (email.status, email.attempts, email.next_attempt_at) == (EmailStatus.FAILED, 1, None)
    assert email.last_error.startswith(type(error).__name__)


def test_temporary_error_on_the_last_attempt_marks_failed(settings, smtp_errors):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    smtp_errors.append(smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    email = OutgoingEmailFactory(attempts=2)

    assert email_send(email_id=email.pk) is None

    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 3)
    assert "Connection unexpectedly closed" in email.last_error


def test_task_schedules_the_retry_with_the_backoff(smtp_errors):
    smtp_errors.append(smtplib.SMTPResponseException(421, b"Try later"))
    email = OutgoingEmailFactory()
    with mock.patch.object(outbox_send, "retry", side_effect=Retry) as retry, pytest.raises(Retry):
        outbox_send(email.pk)  # a direct call is not eager: it behaves as in a worker
    assert 30 <= retry.call_args.kwargs["countdown"] <= 36


def test_eager_task_leaves_the_retry_to_the_sweep(smtp_errors):
    smtp_errors.append(smtplib.SMTPResponseException(421, b"Try later"))
    email = OutgoingEmailFactory()
    outbox_send.delay(email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.QUEUED, 1)
    assert email.next_attempt_at > timezone.now()


# --- the sweep ---------------------------------------------------------------------------


def test_sweep_requeues_stuck_rows_and_leaves_fresh_ones(mailoutbox):
    stuck = OutgoingEmailFactory(status=EmailStatus.SENDING, attempts=1)
    fresh = OutgoingEmailFactory(status=EmailStatus.SENDING, attempts=1)
    OutgoingEmail.objects.filter(pk=stuck.pk).update(updated_at=ago(minutes=11))

    assert email_requeue_stale() == 1

    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert (stuck.status, stuck.attempts) == (EmailStatus.SENT, 2)
    assert (fresh.status, fresh.attempts) == (EmailStatus.SENDING, 1)
    assert [m.extra_headers["X-Hanoi-Outbox-Id"] for m in mailoutbox] == [str(stuck.pk)]


def test_sweep_fails_stuck_rows_that_used_all_attempts(settings, mailoutbox):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    email = OutgoingEmailFactory(status=EmailStatus.SENDING, attempts=3)
    OutgoingEmail.objects.filter(pk=email.pk).update(updated_at=ago(hours=1))

    assert email_requeue_stale() == 0

    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert "Worker lost" in email.last_error
    assert mailoutbox == []


def test_sweep_dispatches_queued_rows_that_waited_and_no_others(mailoutbox):
    forgotten = OutgoingEmailFactory()
    just_queued = OutgoingEmailFactory()
    retry_overdue = OutgoingEmailFactory(attempts=1)
    backing_off = OutgoingEmailFactory(attempts=1)
    OutgoingEmail.objects.filter(pk=forgotten.pk).update(updated_at=ago(minutes=3))
    OutgoingEmail.objects.filter(pk=retry_overdue.pk).update(
        updated_at=ago(minutes=10), next_attempt_at=ago(minutes=5)
    )
    OutgoingEmail.objects.filter(pk=backing_off.pk).update(
        updated_at=ago(minutes=10), next_attempt_at=timezone.now() + dt.timedelta(minutes=5)
    )
    OutgoingEmailFactory(status=EmailStatus.FAILED)
    OutgoingEmailFactory(status=EmailStatus.CANCELLED)

    assert email_requeue_stale() == 2

    sent = {m.extra_headers["X-Hanoi-Outbox-Id"] for m in mailoutbox}
    assert sent == {str(forgotten.pk), str(retry_overdue.pk)}
    assert set(OutgoingEmail.objects.filter(status=EmailStatus.QUEUED).values_list("pk", flat=True)) == {
        just_queued.pk,
        backing_off.pk,
    }


def test_sweep_with_broker_still_down_keeps_rows_queued(mailoutbox):
    email = OutgoingEmailFactory()
    OutgoingEmail.objects.filter(pk=email.pk).update(updated_at=ago(minutes=5))
    with mock.patch.object(outbox_send, "apply_async", side_effect=OperationalError("down")):
        email_requeue_stale()
    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED
    assert mailoutbox == []


def test_sweep_dispatches_a_waiting_row_again_only_after_another_grace_period():
    # A backlog older than the grace must not be queued again at every sweep.
    email = OutgoingEmailFactory()
    overdue_retry = OutgoingEmailFactory(attempts=1)
    OutgoingEmail.objects.filter(pk=email.pk).update(updated_at=ago(minutes=3))
    OutgoingEmail.objects.filter(pk=overdue_retry.pk).update(
        updated_at=ago(minutes=10), next_attempt_at=ago(minutes=5)
    )
    with mock.patch.object(outbox_send, "apply_async") as publish:
        assert email_requeue_stale() == 2
        assert email_requeue_stale() == 0
    assert publish.call_count == 2
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.QUEUED}


def test_sweep_tries_again_at_the_next_sweep_what_the_broker_refused():
    email = OutgoingEmailFactory()
    OutgoingEmail.objects.filter(pk=email.pk).update(updated_at=ago(minutes=3))
    with mock.patch.object(outbox_send, "apply_async", side_effect=OperationalError("down")) as publish:
        email_requeue_stale()
        email_requeue_stale()
    assert publish.call_count == 2


# --- the secretariat's levers --------------------------------------------------------------


@pytest.mark.parametrize("status", [EmailStatus.FAILED, EmailStatus.CANCELLED])
def test_retry_requeues_and_sends_after_commit(mailoutbox, django_capture_on_commit_callbacks, status):
    officer = StaffUserFactory(role="Secretariat")
    email = OutgoingEmailFactory(status=status, attempts=8, last_error="550 No such user")

    with django_capture_on_commit_callbacks() as callbacks:
        email_retry(email=email, actor=officer)
    email.refresh_from_db()
    # The earlier attempts stay counted; the retry starts a new round after them.
    assert (email.status, email.attempts, email.round_started_attempts) == (EmailStatus.QUEUED, 8, 8)
    assert mailoutbox == []

    for callback in callbacks:
        callback()
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert len(mailoutbox) == 1
    entry = AuditEntry.objects.get(action="email.retry")
    assert (entry.actor, entry.target_id, entry.before["status"], entry.after["status"]) == (
        officer,
        str(email.pk),
        status,
        EmailStatus.QUEUED,
    )


@pytest.mark.parametrize("status", [EmailStatus.QUEUED, EmailStatus.SENDING, EmailStatus.SENT])
def test_retry_refuses_other_states(status):
    email = OutgoingEmailFactory(status=status)
    with pytest.raises(OutboxError) as caught:
        email_retry(email=email)
    assert caught.value.code == "email_not_retryable"
    email.refresh_from_db()
    assert email.status == status
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("status", [EmailStatus.QUEUED, EmailStatus.FAILED])
def test_cancel_stops_the_email(mailoutbox, status):
    email = OutgoingEmailFactory(status=status)

    email_cancel(email=email)
    email_send(email_id=email.pk)  # the task already in the queue arrives

    email.refresh_from_db()
    assert email.status == EmailStatus.CANCELLED
    assert mailoutbox == []
    assert AuditEntry.objects.get(action="email.cancel").after["status"] == EmailStatus.CANCELLED


@pytest.mark.parametrize("status", [EmailStatus.SENDING, EmailStatus.SENT, EmailStatus.CANCELLED])
def test_cancel_refuses_other_states(status):
    email = OutgoingEmailFactory(status=status)
    with pytest.raises(OutboxError) as caught:
        email_cancel(email=email)
    assert caught.value.code == "email_not_cancellable"
    email.refresh_from_db()
    assert email.status == status


def test_cancel_checks_the_current_row_not_the_callers_copy(mailoutbox):
    email = OutgoingEmailFactory()
    OutgoingEmail.objects.filter(pk=email.pk).update(status=EmailStatus.SENT)
    with pytest.raises(OutboxError):
        email_cancel(email=email)  # the admin's copy still says "queued"


# --- retention and beat -----------------------------------------------------------------


def test_purge_deletes_only_old_sent_rows(settings):
    settings.OUTBOX_RETENTION_DAYS = 30
    old_sent = OutgoingEmailFactory(status=EmailStatus.SENT, sent_at=ago(days=31))
    recent_sent = OutgoingEmailFactory(status=EmailStatus.SENT, sent_at=ago(days=29))
    old_failed = OutgoingEmailFactory(status=EmailStatus.FAILED)
    OutgoingEmail.objects.filter(pk=old_failed.pk).update(updated_at=ago(days=90))

    assert email_purge_sent() == 1

    assert set(OutgoingEmail.objects.values_list("pk", flat=True)) == {recent_sent.pk, old_failed.pk}
    assert not OutgoingEmail.objects.filter(pk=old_sent.pk).exists()


def test_beat_schedule_names_registered_tasks(settings):
    from hanoi_summit.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "hanoi_summit.tasks.outbox_requeue_stale" in scheduled
    assert scheduled <= set(app.tasks)


def test_worker_keeps_database_connections_across_tasks(settings):
    from hanoi_summit.celery import app

    # Celery's Django fixup reads this exact key; misspelt, it would silently open a new
    # PostgreSQL connection for every e-mail.
    assert app.conf.get("CELERY_DB_REUSE_MAX") == settings.CELERY_DB_REUSE_MAX > 0

    assert OutgoingEmail.objects.count() == 0  # and the next query reconnects


def test_queueing_costs_one_statement_and_a_known_key_two(django_assert_num_queries):
    with django_assert_num_queries(1):
        first = queue()
    with django_assert_num_queries(2):  # the INSERT that conflicts, then reading the row
        again = queue()
    assert again.pk == first.pk


@pytest.mark.parametrize("synchronous_commit", [True, False])
def test_sending_costs_two_statements(mailoutbox, django_assert_num_queries, settings, synchronous_commit):
    settings.OUTBOX_SYNCHRONOUS_COMMIT = synchronous_commit
    email = OutgoingEmailFactory()
    with django_assert_num_queries(2):  # claim (UPDATE ... RETURNING), then mark sent
        email_send(email_id=email.pk)
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_status_writes_may_skip_the_wal_flush_on_postgres(require_postgres, settings, mailoutbox):
    """Off, each status write asks for an asynchronous commit of its own transaction only:
    never for the session, never for a caller's transaction."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    settings.OUTBOX_SYNCHRONOUS_COMMIT = False
    email = OutgoingEmailFactory()
    with CaptureQueriesContext(connection) as queries:
        email_send(email_id=email.pk)
    asynchronous = [q["sql"] for q in queries if "set_config('synchronous_commit', 'off', true)" in q["sql"]]
    assert len(asynchronous) == len(queries) == 2  # claim, outcome
    assert session_setting("synchronous_commit") == "on"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)
    assert len(mailoutbox) == 1

    other = OutgoingEmailFactory()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        email_send(email_id=other.pk)
        assert session_setting("synchronous_commit") == "on"
    assert not [q for q in queries if "set_config" in q["sql"]]


@pytest.mark.django_db(transaction=True)
def test_status_writes_update_the_row_in_place_on_postgres(require_postgres, settings, mailoutbox):
    """No index covers what a status write changes, and pages keep room: PostgreSQL's HOT
    updates then write no index entry for the claim and the outcome."""
    from django.db import connection

    def counts():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_force_next_flush()")
        with connection.cursor() as cursor:  # the flush happens as the last statement ends
            cursor.execute(
                "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = %s",
                [OutgoingEmail._meta.db_table],
            )
            return cursor.fetchone()

    emails = [OutgoingEmailFactory() for _ in range(5)]
    before = counts()
    for email in emails:
        email_send(email_id=email.pk)
    updates, hot = (after - start for after, start in zip(counts(), before, strict=True))
    assert updates == 10 and hot == 10  # claim and outcome of each, all in place


def test_plain_text_emails_carry_names_as_typed_not_as_html_entities():
    from hanoi_summit.core.outbox.queue import render_email

    subject, body, _html = render_email(
        template="invitation",
        context={"delegation_name": "Côte d'Ivoire & Co", "link": "https://x.example/?a=1&b=2"},
        language="en",
    )
    assert "Côte d'Ivoire & Co" in subject and "Côte d'Ivoire & Co" in body
    assert "https://x.example/?a=1&b=2" in body


def test_every_plain_text_email_template_turns_html_escaping_off():
    from pathlib import Path

    from django.conf import settings

    templates = sorted((Path(settings.BASE_DIR) / "templates" / "emails").glob("*.txt"))
    assert templates
    assert [t.name for t in templates if "{% autoescape off %}" not in t.read_text()] == []
