"""The e-mail outbox: queue in the caller's transaction, send after commit, never twice.

`email_queue` is the only way the product sends e-mail. It writes an `OutgoingEmail` row in
the current transaction (so the e-mail exists if and only if the change behind it does) and
asks Celery to send it once that transaction commits. A `dedupe_key` that already exists
queues nothing: calling twice for the same event sends one e-mail.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from .models import EmailStatus, OutgoingEmail

logger = logging.getLogger(__name__)


def render_email(*, template, context, language):
    """Render emails/<template>.subject.txt, .txt and (if present) .html in `language`."""
    with translation.override(language):
        subject = render_to_string(f"emails/{template}.subject.txt", context).strip()
        body_text = render_to_string(f"emails/{template}.txt", context)
        try:
            body_html = render_to_string(f"emails/{template}.html", context)
        except TemplateDoesNotExist:
            body_html = ""
    return " ".join(subject.split()), body_text, body_html


def email_queue(
    *,
    to,
    dedupe_key,
    template=None,
    context=None,
    subject=None,
    body_text=None,
    body_html="",
    language=None,
    attachments=(),
):
    """Queue one e-mail to one recipient; return the row (the existing one for a known key).

    Either `template` (rendered with `context` in `language`) or `subject` and `body_text`.
    `attachments`: dicts with filename, mimetype and text content (an iCalendar agenda).
    Side effects: one OutgoingEmail row; after commit, one send task.
    """
    language = language or settings.LANGUAGE_CODE
    existing = OutgoingEmail.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    if template is not None:
        subject, body_text, body_html = render_email(
            template=template, context=dict(context or {}), language=language
        )
    with transaction.atomic():
        email, created = OutgoingEmail.objects.get_or_create(
            dedupe_key=dedupe_key,
            defaults={
                "to": to,
                "language": language,
                "subject": subject[:300],
                "body_text": body_text,
                "body_html": body_html,
                "attachments": list(attachments),
            },
        )
    if created:
        transaction.on_commit(lambda: email_dispatch(email_id=email.pk))
    return email


def email_dispatch(*, email_id):
    """Hand one queued e-mail to Celery. A broker that is down is not an error here:
    the row stays queued and the periodic sweep (outbox_requeue_stale) dispatches it later.
    """
    from .tasks import outbox_send

    try:
        outbox_send.delay(email_id)
    except Exception:  # kombu raises many kinds of connection errors
        logger.warning("Broker unavailable; e-mail %s stays queued for the sweep", email_id, exc_info=True)


__all__ = ["email_queue", "email_dispatch", "render_email", "EmailStatus"]
