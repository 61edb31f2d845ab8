"""Sending one outbox row, at most once. (The outbox helper refines retries and the sweep.)"""

import datetime as dt
import smtplib
import socket

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import EmailStatus, OutgoingEmail


def _backoff_seconds(attempts):
    return min(30 * 2 ** max(attempts - 1, 0), 3600)


def _is_temporary(exc):
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return all(400 <= code < 500 for code in codes)
    return isinstance(
        exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, socket.error, TimeoutError)
    )


def email_send(*, email_id):
    """Send one queued e-mail. Returns seconds to wait before a retry, or None when done.

    The row is locked and moved to `sending` in its own transaction before any network
    traffic: a second delivery of the same task finds it no longer `queued` and does nothing.
    """
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status != EmailStatus.QUEUED:
            return None
        email.status = EmailStatus.SENDING
        email.attempts += 1
        email.save(update_fields=["status", "attempts", "updated_at"])

    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"X-Hanoi-Outbox-Id": str(email.pk)},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment.get("mimetype"))
    try:
        message.send(fail_silently=False)
    except Exception as exc:
        temporary = _is_temporary(exc) and email.attempts < settings.OUTBOX_MAX_ATTEMPTS
        wait = _backoff_seconds(email.attempts)
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=EmailStatus.QUEUED if temporary else EmailStatus.FAILED,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=timezone.now() + dt.timedelta(seconds=wait) if temporary else None,
            updated_at=timezone.now(),
        )
        return wait if temporary else None
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), last_error="", updated_at=timezone.now()
    )
    return None


def email_requeue_stale():
    """Dispatch rows nobody is sending: queued and due, or stuck in `sending` too long."""
    from .outbox import email_dispatch

    now = timezone.now()
    stuck_before = now - dt.timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS)
    OutgoingEmail.objects.filter(status=EmailStatus.SENDING, updated_at__lt=stuck_before).update(
        status=EmailStatus.QUEUED, updated_at=now
    )
    due = list(
        OutgoingEmail.objects.filter(status=EmailStatus.QUEUED)
        .exclude(next_attempt_at__gt=now)
        .values_list("pk", flat=True)[:5000]
    )
    for email_id in due:
        email_dispatch(email_id=email_id)
    return len(due)
