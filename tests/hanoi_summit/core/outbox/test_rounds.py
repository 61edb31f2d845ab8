"""Rounds of attempts: the admin's "retrying", the sweep's one automatic retry of a failed
e-mail, and a manual retry that keeps the attempt count.

Time is moved by back-dating the rows' timestamps, never by sleeping.
"""

import datetime as dt
import smtplib

import pytest
from django.contrib import admin
from django.utils import timezone

from hanoi_summit.core.models import EmailStatus, OutgoingEmail
from hanoi_summit.core.outbox.queue import email_cancel, email_retry
from hanoi_summit.core.outbox.sending import email_requeue_stale, email_send
from hanoi_summit.secretariat.admin import OutgoingEmailAdmin
from tests.factories import OutgoingEmailFactory
from tests.hanoi_summit.core.outbox.test_outbox import smtp_errors  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def status_cell(email):
    return str(OutgoingEmailAdmin(OutgoingEmail, admin.site).status_display(email))


def failed_row(*, seconds_ago, **fields):
    email = OutgoingEmailFactory(status=EmailStatus.FAILED, attempts=8, last_error="SMTPServerDisconnected")
    OutgoingEmail.objects.filter(pk=email.pk).update(
        updated_at=timezone.now() - dt.timedelta(seconds=seconds_ago), **fields
    )
    return email


def test_admin_shows_a_row_waiting_between_attempts_as_retrying(smtp_errors):  # noqa: F811
    smtp_errors.append(smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    email = OutgoingEmailFactory()
    email_send(email_id=email.pk)
    email.refresh_from_db()

    cell = status_cell(email)
    assert "Retrying" in cell
    assert "attempt 1 done" in cell
    assert timezone.localtime(email.next_attempt_at).strftime("%H:%M") in cell


@pytest.mark.parametrize("status", [EmailStatus.QUEUED, EmailStatus.FAILED, EmailStatus.SENT])
def test_admin_shows_other_rows_by_their_status(status):
    cell = status_cell(OutgoingEmailFactory(status=status))
    assert "Retrying" not in cell
    assert str(status.label) in cell


def test_a_failed_email_is_retried_automatically_once_after_the_delay(settings, smtp_errors, mailoutbox):  # noqa: F811
    settings.OUTBOX_FAILED_RETRY_AFTER_SECONDS = 1800
    settings.OUTBOX_MAX_ATTEMPTS = 2
    recent = failed_row(seconds_ago=1700)
    email = failed_row(seconds_ago=1900)

    # Eager tasks send at once; the mail server still refuses, twice: a full new round.
    smtp_errors.extend([smtplib.SMTPServerDisconnected("down")] * 2)
    assert email_requeue_stale() == 1

    # Not yet due: the sweep left the recent one failed.
    recent.refresh_from_db()
    assert (recent.status, recent.auto_retried_at) == (EmailStatus.FAILED, None)
    email.refresh_from_db()
    assert (email.status, email.attempts, email.round_started_attempts) == (EmailStatus.QUEUED, 9, 8)
    assert email.auto_retried_at is not None
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    email_send(email_id=email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 10)

    # Long after: no second automatic round; a person must retry it.
    OutgoingEmail.objects.filter(pk=email.pk).update(updated_at=timezone.now() - dt.timedelta(days=1))
    email_requeue_stale()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 10)
    assert mailoutbox == []


def test_the_automatic_retry_delivers_when_the_server_is_back(settings, mailoutbox):
    settings.OUTBOX_FAILED_RETRY_AFTER_SECONDS = 60
    email = failed_row(seconds_ago=61)

    email_requeue_stale()
    email_requeue_stale()

    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 9, "")
    assert len(mailoutbox) == 1


def test_a_cancelled_email_is_never_retried_automatically(settings, mailoutbox):
    settings.OUTBOX_FAILED_RETRY_AFTER_SECONDS = 60
    email = failed_row(seconds_ago=10)
    email_cancel(email=email)
    OutgoingEmail.objects.filter(pk=email.pk).update(updated_at=timezone.now() - dt.timedelta(days=1))

    email_requeue_stale()

    email.refresh_from_db()
    assert (email.status, email.auto_retried_at) == (EmailStatus.CANCELLED, None)
    assert mailoutbox == []


def test_a_manual_retry_keeps_the_count_and_gets_a_full_new_round(settings, smtp_errors, mailoutbox):  # noqa: F811
    settings.OUTBOX_MAX_ATTEMPTS = 3
    email = OutgoingEmailFactory(status=EmailStatus.FAILED, attempts=3)

    email_retry(email=email)  # eager: the first attempt of the new round runs on commit
    smtp_errors.extend([smtplib.SMTPServerDisconnected("down")] * 2)
    email_send(email_id=email.pk)
    email.refresh_from_db()
    # Attempt 4 (the new round's first) was refused and backs off like a first attempt.
    assert (email.status, email.attempts, email.round_started_attempts) == (EmailStatus.QUEUED, 4, 3)
    assert 30 <= (email.next_attempt_at - email.updated_at).total_seconds() <= 36

    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    email_send(email_id=email.pk)
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    email_send(email_id=email.pk)

    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 6, "")
    assert len(mailoutbox) == 1


def test_a_stuck_row_fails_only_when_its_round_is_used_up(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    email = OutgoingEmailFactory(status=EmailStatus.SENDING, attempts=4, round_started_attempts=3)
    OutgoingEmail.objects.filter(pk=email.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))

    email_requeue_stale()

    email.refresh_from_db()
    assert email.status != EmailStatus.FAILED
