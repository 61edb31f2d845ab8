"""The e-mail outbox, worker side: send one row at most once, sweep what got stuck, purge.

Kept apart from `outbox` so that web processes never import the SMTP machinery.

States: queued -> sending -> sent; sending -> queued (temporary SMTP error, with backoff) or
failed (permanent error, or the round's attempts exhausted). A round is OUTBOX_MAX_ATTEMPTS
attempts; `attempts` counts them all, across rounds. The sweep gives each failed row one
more round by itself, OUTBOX_FAILED_RETRY_AFTER_SECONDS after it failed (the mail server
may be back by then); after that only a person retries it (outbox.queue.email_retry). A row is claimed (locked and moved to
`sending` by one conditional UPDATE, committed) before any network traffic, so a task
delivered twice, or dispatched twice by the sweep, finds the row no longer queued and
sends nothing.

One case stays at-least-once: a worker that dies after the SMTP server accepted the message
but before the row is marked sent leaves it in `sending`; the sweep re-queues it after
OUTBOX_STUCK_AFTER_SECONDS. The Message-ID is stable per row, so receivers can tell.
"""

import datetime as dt
import functools
import random
import smtplib
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from hanoi_summit.core.models import EmailStatus, OutgoingEmail
from hanoi_summit.core.outbox import sealing

# A task that reaches a row a little before its backoff ends (clocks of two hosts differ)
# still sends: refusing it would leave the row to the next sweep.
BACKOFF_TOLERANCE = dt.timedelta(seconds=5)


def backoff_seconds(attempts):
    """Seconds to wait after failed attempt number `attempts`: 30, 60, 120, ... capped at 1 h,
    plus up to 20% jitter so that a whole queue failing together does not retry in lockstep."""
    base = min(30 * 2 ** max(attempts - 1, 0), 3600)
    return base + random.uniform(0, base / 5)


def is_temporary(exc):
    """Whether an error from sending may go away by itself (SMTP 4xx, lost connection)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(exc, smtplib.SMTPException):
        # The rest (no such auth method, no STARTTLS...) is configuration: retrying won't help.
        return False
    # Connection refused, DNS failure, timeouts: the mail server or the network is down.
    return isinstance(exc, OSError)


@functools.lru_cache(maxsize=4)
def _domain_of(address):
    # Parsed once per sender address, not per e-mail: parseaddr is slow pure Python.
    return parseaddr(address)[1].rpartition("@")[2] or "localhost"


def _message_id(email):
    domain = _domain_of(settings.DEFAULT_FROM_EMAIL)
    return f"<outbox-{email.pk}-{email.created_at:%Y%m%d%H%M%S}@{domain}>"


def build_message(email):
    """The Django message for one outbox row, with a Message-ID stable across attempts.

    Its sealed secrets (a reset link) go into the bodies here, and only here: the row keeps
    the placeholders staff see."""
    body_text, body_html = email.body_text, email.body_html
    if email.sealed_secrets:
        body_text, body_html = sealing.reveal(email.sealed_secrets, body_text=body_text, body_html=body_html)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"Message-ID": _message_id(email), "X-Hanoi-Outbox-Id": str(email.pk)},
    )
    if body_html:
        message.attach_alternative(body_html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment.get("mimetype"))
    return message


def _async_commit():
    """What a status write appends to its RETURNING list so its commit skips the WAL flush.

    Each status write (claim, outcome) is one statement in autocommit, its own transaction.
    With OUTBOX_SYNCHRONOUS_COMMIT off, set_config(..., true) inside it makes PostgreSQL
    acknowledge that transaction before its WAL reaches the disk: two fsyncs per e-mail were
    most of the outbox's cost over a bare task here. The setting lasts for that statement's
    transaction only, and a write inside a caller's transaction (eager tasks in tests) keeps
    the caller's durability. The price: a database *server* crash may forget the last
    fraction of a second of these writes, and e-mails sent in that window go out again (with
    the same Message-ID). Queueing (the caller's transaction) is never affected: no e-mail
    can be lost.
    """
    if settings.OUTBOX_SYNCHRONOUS_COMMIT or connection.vendor != "postgresql" or connection.in_atomic_block:
        return ""
    return ", set_config('synchronous_commit', 'off', true)"


def _write_outcome(email_id, **values):
    """Set the given fields of one row, in one statement (see _async_commit)."""
    fields = [OutgoingEmail._meta.get_field(name) for name in values]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    params = [field.get_db_prep_save(values[field.name], connection) for field in fields]
    table = quote(OutgoingEmail._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} WHERE id = %s RETURNING id{_async_commit()}",
            [*params, email_id],
        )


def _claim(email_id):
    """Move the row from queued (and due) to sending and return it; None if it is not ours.

    One UPDATE ... RETURNING both claims and reads the row. It takes the row lock and
    re-checks the status under it, so of two deliveries of the same task only one gets the
    row back; the other sees "sending" (or "sent") and sends nothing. One statement instead
    of SELECT FOR UPDATE then UPDATE: this runs once per e-mail.
    A row still backing off is left alone (a duplicate dispatch; the scheduled retry comes).
    """
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    table = connection.ops.quote_name(OutgoingEmail._meta.db_table)
    rows = list(
        OutgoingEmail.objects.raw(
            f"UPDATE {table} SET status = %s, attempts = attempts + 1, updated_at = %s "
            "WHERE id = %s AND status = %s AND (next_attempt_at IS NULL OR next_attempt_at <= %s) "
            f"RETURNING *{_async_commit()}",
            [
                EmailStatus.SENDING.value,
                adapt(now),
                email_id,
                EmailStatus.QUEUED.value,
                adapt(now + BACKOFF_TOLERANCE),
            ],
        )
    )
    return rows[0] if rows else None


def email_send(*, email_id):
    """Send one queued e-mail. Returns seconds to wait before a retry, or None when done.

    Side effects: the row moves to `sending` (attempts + 1), then to `sent` (sent_at), to
    `queued` with next_attempt_at and last_error after a temporary error, or to `failed`
    with last_error after a permanent one or the round's OUTBOX_MAX_ATTEMPTS-th attempt.
    Does nothing for a row that is missing, not queued, or still backing off.
    """
    email = _claim(email_id)
    if email is None:
        return None
    try:
        build_message(email).send(fail_silently=False)
    except Exception as exc:  # every failure must leave the row in a definite state
        now = timezone.now()
        in_round = email.attempts - email.round_started_attempts
        retry = is_temporary(exc) and in_round < settings.OUTBOX_MAX_ATTEMPTS
        wait = backoff_seconds(in_round) if retry else None
        _write_outcome(
            email.pk,
            status=EmailStatus.QUEUED if retry else EmailStatus.FAILED,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=now + dt.timedelta(seconds=wait) if retry else None,
            updated_at=now,
        )
        return wait
    now = timezone.now()
    # A sent e-mail's secrets are needed no more: forgotten, they cannot leak later.
    forget = {"sealed_secrets": ""} if email.sealed_secrets else {}
    _write_outcome(
        email.pk,
        status=EmailStatus.SENT,
        sent_at=now,
        last_error="",
        next_attempt_at=None,
        updated_at=now,
        **forget,
    )
    return None


def email_requeue_stale():
    """The beat sweep: dispatch rows nobody is sending. Returns how many it dispatched.

    Side effects: rows in `sending` for longer than OUTBOX_STUCK_AFTER_SECONDS (their worker
    died) go back to `queued`, or to `failed` if they have used all their round's attempts;
    every queued row whose task should long have run (queued while the broker was down, or
    its retry lost with a worker) is dispatched again. OUTBOX_REDISPATCH_AFTER_SECONDS of
    grace keeps the sweep from doubling tasks that are merely waiting in a busy queue.
    Failed rows get one automatic new round (email_auto_retry_failed), dispatched here too.
    """
    from hanoi_summit.core.outbox.queue import email_dispatch

    now = timezone.now()
    stuck = OutgoingEmail.objects.filter(
        status=EmailStatus.SENDING,
        updated_at__lt=now - dt.timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS),
    )
    stuck.filter(attempts__gte=F("round_started_attempts") + settings.OUTBOX_MAX_ATTEMPTS).update(
        status=EmailStatus.FAILED, last_error="Worker lost while sending; attempts exhausted.", updated_at=now
    )
    # No task exists any more for these: dispatch them now, without the grace below.
    revived = list(stuck.order_by("pk").values_list("pk", flat=True)[:5000])
    OutgoingEmail.objects.filter(pk__in=revived, status=EmailStatus.SENDING).update(
        status=EmailStatus.QUEUED, next_attempt_at=None, updated_at=now
    )

    overdue = now - dt.timedelta(seconds=settings.OUTBOX_REDISPATCH_AFTER_SECONDS)
    is_overdue = Q(next_attempt_at__isnull=True, updated_at__lte=overdue) | Q(next_attempt_at__lte=overdue)
    waiting = list(
        OutgoingEmail.objects.filter(is_overdue, status=EmailStatus.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )
    due = revived + waiting + email_auto_retry_failed(now=now)
    dispatched = [email_id for email_id in due if email_dispatch(email_id=email_id)]
    # A row dispatched again waits a whole grace period before the next sweep dispatches it
    # once more: a backlog older than the grace is not queued again at every sweep, which
    # buried the real sends under no-op duplicates (found by tests/faults). The conditions
    # are re-checked, so a row a worker has claimed or rescheduled meanwhile is left alone.
    OutgoingEmail.objects.filter(is_overdue, pk__in=dispatched, status=EmailStatus.QUEUED).update(
        updated_at=now,
        next_attempt_at=Case(When(next_attempt_at__isnull=True, then=Value(None)), default=Value(now)),
    )
    return len(due)


def email_auto_retry_failed(*, now=None):
    """Give failed rows one automatic new round; return their ids, for the caller to dispatch.

    A row qualifies once: failed (never cancelled: a person stopped it), not auto-retried
    before, and failed at least OUTBOX_FAILED_RETRY_AFTER_SECONDS ago (`updated_at`, which
    only a person's retry or cancel changes after the failure). Side effects: those rows go
    back to `queued` with a new round (round_started_attempts = attempts, so the total stays)
    and auto_retried_at set; a row that fails again stays failed until a person retries it.
    The UPDATE re-checks every condition, so a row retried or cancelled meanwhile is left
    alone (a dispatch for it finds it not queued, or sends it once).
    """
    now = now or timezone.now()
    candidates = OutgoingEmail.objects.filter(
        status=EmailStatus.FAILED,
        auto_retried_at__isnull=True,
        updated_at__lte=now - dt.timedelta(seconds=settings.OUTBOX_FAILED_RETRY_AFTER_SECONDS),
    )
    ids = list(candidates.order_by("pk").values_list("pk", flat=True)[:5000])
    if ids:
        candidates.filter(pk__in=ids).update(
            status=EmailStatus.QUEUED,
            round_started_attempts=F("attempts"),
            next_attempt_at=None,
            auto_retried_at=now,
            updated_at=now,
        )
    return ids


def email_purge_sent(*, older_than_days=None):
    """Delete sent e-mails older than OUTBOX_RETENTION_DAYS; return how many.

    Side effect: the deleted rows' dedupe keys are forgotten, so the same key could be
    queued again afterwards; keep the retention longer than any event that re-sends.
    """
    days = settings.OUTBOX_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - dt.timedelta(days=days)
    deleted, _ = OutgoingEmail.objects.filter(status=EmailStatus.SENT, sent_at__lt=cutoff).delete()
    return deleted
