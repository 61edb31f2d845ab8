"""The e-mail outbox, web side: queue in the caller's transaction, send after commit, never twice.

`email_queue` is the only way the product sends e-mail. It writes an `OutgoingEmail` row in
the current transaction (so the e-mail exists if and only if the change behind it does) and
asks Celery to send it once that transaction commits. A `dedupe_key` that already exists
queues nothing: calling twice for the same event sends one e-mail.

`email_retry` and `email_cancel` are the secretariat's two levers, called from the admin.
The worker side (sending, the periodic sweep, retention) lives in `outbox_sending`.
"""

import logging

from django.conf import settings
from django.db import connection, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from hanoi_summit.core.audit import audit_record
from hanoi_summit.core.errors import DomainError
from hanoi_summit.core.models import EmailStatus, OutgoingEmail
from hanoi_summit.core.outbox import sealing

logger = logging.getLogger(__name__)

RETRYABLE = (EmailStatus.FAILED, EmailStatus.CANCELLED)
CANCELLABLE = (EmailStatus.QUEUED, EmailStatus.FAILED)


class OutboxError(DomainError):
    default_code = "outbox_invalid"


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


def _clean_attachments(attachments):
    cleaned = []
    for attachment in attachments:
        content = attachment["content"]
        if not isinstance(content, str):
            # The row stores JSON: binary attachments would need an encoding nobody uses yet.
            raise TypeError("Outbox attachments carry text content (e.g. an iCalendar file).")
        cleaned.append(
            {
                "filename": attachment["filename"],
                "mimetype": attachment.get("mimetype") or "application/octet-stream",
                "content": content,
            }
        )
    return cleaned


def _insert_unless_known(email):
    """INSERT ... ON CONFLICT (dedupe_key) DO NOTHING RETURNING id; the saved row, or None.

    A known key, even one a concurrent caller is inserting right now, neither raises nor
    breaks the caller's transaction, so no savepoint is needed: a new e-mail, the usual
    case, costs this one statement (PostgreSQL and SQLite both speak it).
    """
    fields = [field for field in OutgoingEmail._meta.concrete_fields if not field.primary_key]
    values = [field.get_db_prep_save(field.pre_save(email, add=True), connection) for field in fields]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(OutgoingEmail._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({quote('dedupe_key')}) DO NOTHING RETURNING {quote(OutgoingEmail._meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return None
    email.pk = row[0]
    email._state.adding = False
    email._state.db = connection.alias
    return email


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
    secrets=None,
):
    """Queue one e-mail to one recipient; return the row (the existing one for a known key).

    Either `template` (rendered with `context` in `language`) or `subject` and `body_text`.
    `attachments`: dicts with filename, mimetype and text content (an iCalendar agenda).
    `secrets`: context values nobody but the recipient may read (name -> text, e.g. a reset
    link). The template gets "[<name> sent]" in their place, which is what the stored row
    and the admin show; the values are kept sealed and put in only by the worker that sends.
    Side effects: one OutgoingEmail row in the caller's transaction; after that transaction
    commits, one send task. If the broker is unreachable the row simply stays queued and
    the periodic sweep sends it later; the caller never sees the broker's error.
    The template is rendered even for a known key: new e-mails are the usual case.
    """
    if template is None and (subject is None or body_text is None):
        raise TypeError("email_queue needs a template, or a subject and a body_text.")
    language = language or settings.LANGUAGE_CODE
    attachments = _clean_attachments(attachments)
    secrets = dict(secrets or {})
    if secrets and template is None:
        raise TypeError("email_queue takes secrets only with a template.")
    if template is not None:
        context = {**(context or {}), **{name: sealing.placeholder(name) for name in secrets}}
        subject, body_text, body_html = render_email(template=template, context=context, language=language)
    email = _insert_unless_known(
        OutgoingEmail(
            dedupe_key=dedupe_key,
            to=to,
            language=language,
            subject=subject[:300],
            body_text=body_text,
            body_html=body_html,
            attachments=attachments,
            sealed_secrets=sealing.seal(secrets),
        )
    )
    if email is None:
        return OutgoingEmail.objects.get(dedupe_key=dedupe_key)
    transaction.on_commit(lambda: email_dispatch(email_id=email.pk))
    return email


def email_dispatch(*, email_id):
    """Hand one queued e-mail to Celery; True if the broker took it.

    A broker that is down is not an error here: the row stays queued and the periodic sweep
    (outbox_requeue_stale) dispatches it later. No publish retries: a web request must not
    hang waiting for Redis.
    """
    from hanoi_summit.core.outbox.tasks import outbox_send

    try:
        outbox_send.apply_async((email_id,), retry=False)
    except Exception:  # kombu and redis-py raise many kinds of connection errors
        logger.warning("Broker unavailable; e-mail %s stays queued for the sweep", email_id, exc_info=True)
        return False
    return True


def _snapshot(email):
    return {"status": email.status, "attempts": email.attempts}


def email_retry(*, email, actor=None):
    """Send a failed or cancelled e-mail again; return the updated row.

    Side effects: the row goes back to `queued` with a new round of OUTBOX_MAX_ATTEMPTS
    attempts (round_started_attempts = attempts: the count of earlier attempts is kept, and
    the admin shows the true total); an audit entry "email.retry"; after commit, one send task.
    Raises OutboxError(code="email_not_retryable") from any other status.
    """
    with transaction.atomic():
        locked = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
        if locked.status not in RETRYABLE:
            raise OutboxError(
                _("Only a failed or cancelled e-mail can be sent again; this one is %(status)s.")
                % {"status": locked.get_status_display()},
                code="email_not_retryable",
            )
        before = _snapshot(locked)
        locked.status = EmailStatus.QUEUED
        locked.round_started_attempts = locked.attempts
        locked.next_attempt_at = None
        locked.save(update_fields=["status", "round_started_attempts", "next_attempt_at", "updated_at"])
        audit_record(actor=actor, action="email.retry", target=locked, before=before, after=_snapshot(locked))
        transaction.on_commit(lambda: email_dispatch(email_id=locked.pk))
    return locked


def email_cancel(*, email, actor=None):
    """Stop an e-mail that is queued or failed; return the updated row.

    Side effects: the row goes to `cancelled` (a send task already in the queue then finds
    it not queued and does nothing); an audit entry "email.cancel".
    Raises OutboxError(code="email_not_cancellable") from any other status: a row being
    sent or already sent cannot be called back.
    """
    with transaction.atomic():
        locked = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
        if locked.status not in CANCELLABLE:
            raise OutboxError(
                _("Only a queued or failed e-mail can be cancelled; this one is %(status)s.")
                % {"status": locked.get_status_display()},
                code="email_not_cancellable",
            )
        before = _snapshot(locked)
        locked.status = EmailStatus.CANCELLED
        locked.next_attempt_at = None
        locked.save(update_fields=["status", "next_attempt_at", "updated_at"])
        audit_record(
            actor=actor, action="email.cancel", target=locked, before=before, after=_snapshot(locked)
        )
    return locked


__all__ = [
    "OutboxError",
    "email_cancel",
    "email_dispatch",
    "email_queue",
    "email_retry",
    "render_email",
]
