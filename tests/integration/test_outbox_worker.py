"""The outbox on the real stack: PostgreSQL, Redis, a Celery worker process and an SMTP server.

The worker runs one task at a time in arrival order (solo pool), so once a "sentinel" e-mail
queued last has arrived, every task dispatched before it has run: that is how these tests
know a duplicate did not arrive, without sleeping.
"""

import datetime as dt
from collections import Counter
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from hanoi_summit.core.models import EmailStatus, OutgoingEmail
from hanoi_summit.core.outbox.queue import email_dispatch, email_queue
from hanoi_summit.tasks import outbox_requeue_stale, outbox_send
from tests.integration.support import wait_until

pytestmark = pytest.mark.integration


def queue(key, to="delegate@example.org"):
    with transaction.atomic():
        return email_queue(
            to=to,
            dedupe_key=key,
            subject=f"Accreditation {key}",
            body_text="Your accreditation request was received.",
            attachments=[
                {"filename": "agenda.ics", "mimetype": "text/calendar", "content": "BEGIN:VCALENDAR\r\n"}
            ],
        )


def drain(smtp_sink):
    """Wait until every task dispatched so far has run (see the module docstring)."""
    sentinel = queue(f"sentinel:{timezone.now().timestamp()}")
    wait_until(lambda: str(sentinel.pk) in smtp_sink.outbox_ids(), what="the sentinel e-mail")
    return sentinel


def status_of(email):
    return OutgoingEmail.objects.values_list("status", flat=True).get(pk=email.pk)


def test_each_queued_email_arrives_exactly_once(celery_worker, smtp_sink):
    emails = [queue(f"confirmation:{n}", to=f"delegate{n}@example.org") for n in range(20)]

    smtp_sink.wait_for(20)
    wait_until(
        lambda: not OutgoingEmail.objects.exclude(status=EmailStatus.SENT).exists(),
        what="every row marked sent",
    )
    drain(smtp_sink)

    received = Counter(smtp_sink.outbox_ids())
    assert all(received[str(email.pk)] == 1 for email in emails)
    assert len(received) == 21  # the twenty and the sentinel, nothing else
    by_id = {message["X-Hanoi-Outbox-Id"]: message for message in smtp_sink.messages}
    first = by_id[str(emails[0].pk)]
    assert first["To"] == "delegate0@example.org"
    assert first["Subject"] == "Accreditation confirmation:0"
    assert [part.get_filename() for part in first.iter_attachments()] == ["agenda.ics"]


def test_a_task_delivered_again_after_sending_sends_nothing(celery_worker, smtp_sink):
    email = queue("invitation:fra")
    wait_until(lambda: status_of(email) == EmailStatus.SENT, what="the e-mail to be sent")

    outbox_send.delay(email.pk)
    outbox_send.delay(email.pk)
    drain(smtp_sink)

    assert smtp_sink.outbox_ids().count(str(email.pk)) == 1
    assert OutgoingEmail.objects.get(pk=email.pk).attempts == 1


def test_a_task_dispatched_three_times_at_once_sends_once(celery_worker, smtp_sink):
    with transaction.atomic():
        email = email_queue(
            to="focal@example.org", dedupe_key="booking:7", subject="Booked", body_text="Seat 7"
        )
        # Two extra dispatches land in the queue beside the one email_queue makes on commit.
        transaction.on_commit(lambda: email_dispatch(email_id=email.pk))
        transaction.on_commit(lambda: email_dispatch(email_id=email.pk))

    drain(smtp_sink)

    assert smtp_sink.outbox_ids().count(str(email.pk)) == 1
    assert OutgoingEmail.objects.get(pk=email.pk).attempts == 1


def test_email_queued_while_the_broker_is_down_is_sent_by_the_sweep(celery_worker, smtp_sink):
    with mock.patch.object(outbox_send, "apply_async", side_effect=OperationalError("Error 111 connecting")):
        email = queue("returned:42")  # the caller's transaction commits regardless
    drain(smtp_sink)
    assert status_of(email) == EmailStatus.QUEUED
    assert str(email.pk) not in smtp_sink.outbox_ids()

    # Redis is back; the row has waited past the sweep's grace; beat fires the sweep.
    OutgoingEmail.objects.filter(pk=email.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=5))
    outbox_requeue_stale.delay()

    wait_until(lambda: str(email.pk) in smtp_sink.outbox_ids(), what="the swept e-mail")
    wait_until(lambda: status_of(email) == EmailStatus.SENT, what="the row marked sent")
    assert smtp_sink.outbox_ids().count(str(email.pk)) == 1


def test_smtp_temporary_refusal_is_retried_and_permanent_one_fails(celery_worker, smtp_sink):
    smtp_sink.fail_next("451 4.3.0 Try again later", "550 5.1.1 No such mailbox")
    later = queue("temporary:1")
    never = queue("permanent:1", to="nobody@example.org")

    wait_until(lambda: status_of(never) == EmailStatus.FAILED, what="the refused e-mail to fail")
    later.refresh_from_db()
    never.refresh_from_db()
    assert (later.status, later.attempts) == (EmailStatus.QUEUED, 1)
    assert "451" in later.last_error
    assert later.next_attempt_at > timezone.now()
    assert "550" in never.last_error
    assert smtp_sink.count == 0

    # The backoff has passed (the sweep would find it overdue): the retry goes through.
    OutgoingEmail.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() - dt.timedelta(minutes=5))
    outbox_requeue_stale.delay()
    wait_until(lambda: status_of(later) == EmailStatus.SENT, what="the retried e-mail to be sent")
    assert smtp_sink.outbox_ids() == [str(later.pk)]


def test_a_sealed_link_arrives_and_the_row_and_the_log_forget_it(celery_worker, smtp_sink):
    link = "https://summit.example/portal/invitation/w0rker-s3cret-token/"
    with transaction.atomic():
        email = email_queue(
            to="dao@ke.example",
            dedupe_key="invitation:9:1",
            template="invitation",
            context={"delegation_name": "Kenya"},
            secrets={"link": link},
        )
    wait_until(lambda: status_of(email) == EmailStatus.SENT, what="the e-mail to be sent")

    [message] = [m for m in smtp_sink.messages if m["X-Hanoi-Outbox-Id"] == str(email.pk)]
    assert link in message.get_body(("plain",)).get_content()
    assert f'href="{link}"' in message.get_body(("html",)).get_content()
    row = OutgoingEmail.objects.get(pk=email.pk)
    assert row.sealed_secrets == ""
    assert link not in row.body_text + row.body_html
    assert "w0rker-s3cret" not in celery_worker.log_tail(lines=10_000)


def test_a_failed_email_is_retried_once_by_the_sweep_after_the_mail_server_is_back(celery_worker, smtp_sink):
    # Queued while the broker was down, with one attempt left in its round (the worker runs
    # with the default OUTBOX_MAX_ATTEMPTS of 8 and OUTBOX_FAILED_RETRY_AFTER_SECONDS of 1800).
    with mock.patch.object(outbox_send, "apply_async", side_effect=OperationalError("Error 111 connecting")):
        email = queue("retried:1")
    OutgoingEmail.objects.filter(pk=email.pk).update(
        attempts=7, updated_at=timezone.now() - dt.timedelta(minutes=5)
    )

    # The mail server is down: its last attempt is refused, and the row fails.
    smtp_sink.fail_next("421 4.3.2 Service not available")
    outbox_requeue_stale.delay()
    wait_until(lambda: status_of(email) == EmailStatus.FAILED, what="the e-mail to fail")

    # The server is back, but the failure is recent: the sweep leaves the row to wait.
    outbox_requeue_stale.delay()
    drain(smtp_sink)
    assert status_of(email) == EmailStatus.FAILED
    assert str(email.pk) not in smtp_sink.outbox_ids()

    # Half an hour later, the sweep retries it by itself, in a new round: delivered.
    OutgoingEmail.objects.filter(pk=email.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=31))
    outbox_requeue_stale.delay()
    wait_until(lambda: status_of(email) == EmailStatus.SENT, what="the retried e-mail to be sent")

    # Later sweeps send nothing more.
    outbox_requeue_stale.delay()
    drain(smtp_sink)
    row = OutgoingEmail.objects.get(pk=email.pk)
    assert (row.attempts, row.round_started_attempts) == (9, 8)
    assert row.auto_retried_at is not None
    assert smtp_sink.outbox_ids().count(str(email.pk)) == 1
