"""Two deliveries of the same send task at the same moment, on PostgreSQL.

First a claim that reads the status and then writes it shows the race is real (both
threads send); then the outbox's own claim, a single conditional UPDATE, lets one through.
"""

import threading
import time

import pytest
from django.core.mail.backends import locmem
from django.db import connection
from django.db.models import F

from hanoi_summit.core.models import EmailStatus, OutgoingEmail
from hanoi_summit.core.outbox import sending as outbox_sending
from tests.factories import OutgoingEmailFactory

pytestmark = pytest.mark.django_db(transaction=True)


class SlowBackend(locmem.EmailBackend):
    """An SMTP conversation takes a while: the second delivery arrives mid-send."""

    def send_messages(self, email_messages):
        time.sleep(0.3)
        return super().send_messages(email_messages)


@pytest.fixture(autouse=True)
def slow_smtp(settings, mailoutbox):
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"


def deliver_twice_at_once(email_id):
    """Run email_send for the same row in two threads that start together; return their errors."""
    start = threading.Barrier(2)
    errors = []

    def deliver():
        try:
            start.wait(timeout=10)
            outbox_sending.email_send(email_id=email_id)
        except Exception as exc:  # surfaced to the test below
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_read_then_write_claim_would_send_twice(require_postgres, mailoutbox, monkeypatch):
    both_read = threading.Barrier(2)

    def read_then_write_claim(email_id):
        email = OutgoingEmail.objects.get(pk=email_id)
        if email.status != EmailStatus.QUEUED:
            return None
        both_read.wait(timeout=10)  # the unlucky timing, made certain
        OutgoingEmail.objects.filter(pk=email_id).update(
            status=EmailStatus.SENDING, attempts=F("attempts") + 1
        )
        return email

    monkeypatch.setattr(outbox_sending, "_claim", read_then_write_claim)
    email = OutgoingEmailFactory()

    assert deliver_twice_at_once(email.pk) == []
    assert len(mailoutbox) == 2


@pytest.mark.parametrize("synchronous_commit", [True, False])
def test_outbox_claim_sends_once(require_postgres, mailoutbox, settings, synchronous_commit):
    settings.OUTBOX_SYNCHRONOUS_COMMIT = synchronous_commit
    email = OutgoingEmailFactory()

    assert deliver_twice_at_once(email.pk) == []

    assert len(mailoutbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)
