"""Cross-cutting tables: the e-mail outbox and the append-only audit trail; and the permission
to reset a second factor."""

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class OutgoingEmail(models.Model):
    """One e-mail to one recipient, written in the same transaction as the change behind it.

    The sending task locks the row and sends only from `queued`, so a task delivered twice
    cannot send twice; the periodic sweep re-queues rows that were never picked up.
    """

    Status = EmailStatus

    #: What makes this e-mail unique, e.g. "submission-confirmation:member:42:v3"
    #: (outgoingemail_dedupe_key_unique).
    dedupe_key = models.CharField(max_length=200)
    to = models.EmailField()
    #: Language the e-mail was rendered in (the recipient's).
    language = models.CharField(max_length=8, default="en")
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    #: [{"filename": "agenda.ics", "mimetype": "text/calendar", "content": "<text>"}]
    attachments = models.JSONField(default=list, blank=True)
    #: Secrets the bodies carry as placeholders ("[link sent]"), encrypted (outbox/sealing.py):
    #: staff who read the outbox must not read a reset or invitation link. Emptied once sent.
    sealed_secrets = models.TextField(blank=True, default="", editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    #: Every attempt ever made, across rounds: a manual or automatic retry never resets it.
    attempts = models.PositiveSmallIntegerField(default=0)
    #: `attempts` when the current round began: a round may make OUTBOX_MAX_ATTEMPTS attempts
    #: beyond it. A retry (manual or the sweep's automatic one) starts a new round.
    round_started_attempts = models.PositiveSmallIntegerField(default=0)
    #: When the sweep gave this failed e-mail its one automatic new round (None: not yet).
    auto_retried_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    #: The earliest time the next attempt may run (backoff after a temporary error).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at"]
        # Every e-mail is written three times (queued, claimed, sent). With no index on the
        # columns those writes change, PostgreSQL updates the row in place (HOT: no index
        # entry written) when its page has room, which the table's fillfactor of 80 keeps
        # (migration 0005). The sweep that reads by status runs once a minute and scans the
        # table; a few tens of thousands of rows at this event. A constraint rather than
        # unique=True, which on PostgreSQL adds a second (LIKE) index on the key.
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="outgoingemail_dedupe_key_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in EmailStatus]),
                name="outgoingemail_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.subject} -> {self.to}"


class AuditEntryQuerySet(models.QuerySet):
    """No bulk update or delete: the trail is append-only (the admin's delete action, a
    cascade or a stray `.update()` stop here)."""

    def update(self, **kwargs):
        raise ValueError("Audit entries are append-only.")

    def delete(self):
        raise ValueError("Audit entries are append-only.")

    delete.queryset_only = True


class AuditEntry(models.Model):
    """Who did what to which record, when, with before/after. Append-only: never updated.

    It lives here rather than in `accreditation` because every app writes to it, and the
    apps' dependencies point one way (delegations knows nothing of accreditation).

    Each entry carries the hash of the one before it and its own (core/audit_chain.py):
    `manage.py audit_verify` finds an entry changed or removed behind the application's back.
    """

    #: PROTECT: an account that acted is deactivated, never deleted; setting the column to
    #: NULL would rewrite (and break the hash of) every entry it made.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: Dotted verb, e.g. "accreditation.approve", "member.view", "badge.reprint".
    action = models.CharField(max_length=80)
    #: "app_label.model" of the record acted on.
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=40)
    target_repr = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.TextField(blank=True)
    #: Set when the entry is made, not by the database: it is part of the hash.
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    #: The entry_hash of the entry before this one (audit_chain.GENESIS for the first).
    prev_hash = models.CharField(max_length=64, editable=False)
    #: SHA-256 over this entry's fields and prev_hash (audit_chain.entry_hash).
    entry_hash = models.CharField(max_length=64, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "-created_at"])]

    def __str__(self):
        return f"{self.action} {self.target_type}#{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise ValueError("Audit entries are append-only.")
        if not self.entry_hash:
            raise ValueError("Write audit entries with core.audit (it links them into the chain).")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are append-only.")


class SignInAccount(User):
    """An account as the secretariat looks after its sign-in. A proxy (no table of its own):
    it only carries the permission to reset someone else's second factor, which no model of
    django-otp or of Django's auth app has."""

    class Meta:
        proxy = True
        default_permissions = ()
        permissions = [("reset_second_factor", _("Can reset the second factor of another account"))]
        verbose_name = _("sign-in account")


class DocumentJob(models.Model):
    """One heavy document (an export, the List of Participants) made by a task in the
    background: who asked, what with which filters, how far it got, and its file.

    The file lives in the private storage and leaves only through a permission-checked view;
    it and the row are deleted by the beat's sweep once `expires_at` has passed. The kinds
    and what they contain are the secretariat's (hanoi_summit.secretariat.documents); the
    table is here because the core's tasks and storage are.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    #: "members.csv", "badges.xlsx", "participants.pdf".
    kind = models.CharField(max_length=40)
    #: The filters it was asked with (the export's query string, or the admin's selection).
    params = models.JSONField(default=dict, blank=True)
    #: Every permission needed to fetch the file: the document's own, and the passport
    #: permission when the file holds passport data (it was made for a user holding it).
    permissions = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="documents/", blank=True, max_length=200)
    filename = models.CharField(max_length=120, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)
