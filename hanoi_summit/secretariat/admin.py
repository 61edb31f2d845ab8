"""The secretariat's admin: site branding, the outbox and the audit trail."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accreditation.permissions import VET
from hanoi_summit.core.admin import choice_pill, restrict_fields, short_time, status_pill
from hanoi_summit.core.errors import DomainError
from hanoi_summit.core.models import AuditEntry, EmailStatus, OutgoingEmail
from hanoi_summit.core.outbox import queue as outbox
from hanoi_summit.secretariat.history import VETTING_ACTIONS

admin.site.site_header = _("Hanoi Convention — Secretariat")
admin.site.site_title = _("Hanoi Convention")
admin.site.index_title = _("Secretariat administration")
# The sidebar repeats the whole model list on every page: it squeezes the wide changelists
# off a laptop screen and costs much of each page's rendering time. The index has the list.
admin.site.enable_nav_sidebar = False

EMAIL_TONES = {
    EmailStatus.QUEUED: "warning",
    EmailStatus.SENDING: "info",
    EmailStatus.SENT: "success",
    EmailStatus.FAILED: "danger",
    EmailStatus.CANCELLED: "secondary",
}


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox: what was sent, what waits, what failed and why. Rows are never edited by
    hand; "Retry" and "Cancel" go through the outbox services, which know the states."""

    # No second COUNT(*) over the whole table just for "N total": this table grows large.
    show_full_result_count = False
    list_display = ["to", "subject", "status_display", "attempts", "error_excerpt", "created", "sent"]
    list_filter = ["status", ("created_at", admin.DateFieldListFilter), "language"]
    search_fields = ["to", "subject", "dedupe_key"]
    # Newest first by primary key: an index walk, where sorting by an unindexed date sorted
    # the whole table. Date filters rather than date_hierarchy, which scans every row.
    ordering = ["-pk"]
    actions = ["retry_selected", "cancel_selected"]
    readonly_fields = [
        "dedupe_key",
        "to",
        "language",
        "subject",
        "status",
        "attempts",
        "round_started_attempts",
        "auto_retried_at",
        "last_error",
        "next_attempt_at",
        "created_at",
        "updated_at",
        "sent_at",
        "body_text",
        "body_html",
        "attachment_names",
    ]
    fieldsets = [
        (None, {"fields": ["to", "subject", "language", "dedupe_key"]}),
        (
            _("Delivery"),
            {
                "fields": [
                    "status",
                    "attempts",
                    "round_started_attempts",
                    "auto_retried_at",
                    "last_error",
                    "next_attempt_at",
                    "created_at",
                    "sent_at",
                ]
            },
        ),
        (_("Content"), {"fields": ["body_text", "body_html", "attachment_names"]}),
    ]

    def has_add_permission(self, request):
        # E-mails come from the product's events through email_queue, never typed in here.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, email):
        # "Retrying" is computed here, not stored: a row waiting out its backoff is exactly a
        # queued row with next_attempt_at set (only a failed attempt sets it; the sweep and a
        # retry clear it). A stored status would have to be handled by the claim, the sweep,
        # cancel and the status constraint alike, for no change in behaviour.
        if email.status == EmailStatus.QUEUED and email.next_attempt_at is not None:
            return format_html(
                "{} {}",
                status_pill(_("Retrying"), "warning"),
                _("attempt %(attempts)d done, next at %(time)s")
                % {"attempts": email.attempts, "time": short_time(email.next_attempt_at)},
            )
        return choice_pill(EmailStatus, email.status, EMAIL_TONES)

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, email):
        return short_time(email.created_at)

    @admin.display(description=_("sent"), ordering="sent_at")
    def sent(self, email):
        return short_time(email.sent_at)

    @admin.display(description=_("last error"))
    def error_excerpt(self, email):
        return Truncator(email.last_error).chars(80)

    @admin.display(description=_("attachments"))
    def attachment_names(self, email):
        return ", ".join(a.get("filename", "?") for a in email.attachments) or "-"

    def _apply(self, request, queryset, service, done_message):
        done, refused = 0, []
        for email in queryset.order_by("pk"):
            try:
                service(email=email, actor=request.user)
            except DomainError as error:
                refused.append(f"{email.to}: {error.message}")
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                _("Not changed: %(list)s") % {"list": "; ".join(refused)},
                messages.WARNING,
            )

    @admin.action(description=_("Retry the selected e-mails"), permissions=["change"])
    def retry_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            outbox.email_retry,
            lambda n: ngettext("%(n)d e-mail queued again.", "%(n)d e-mails queued again.", n) % {"n": n},
        )

    @admin.action(description=_("Cancel the selected e-mails"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            outbox.email_cancel,
            lambda n: ngettext("%(n)d e-mail cancelled.", "%(n)d e-mails cancelled.", n) % {"n": n},
        )


# Notes of security's decisions are its reasons: without the vetting permission, no search,
# filter or sort on the audit trail's notes, and those notes are left out of the entry's page.
restrict_fields("hanoi_summit.auditentry", ["note"], VET)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail, to read only, even for superusers: the model itself refuses updates
    and deletes too (and PostgreSQL, by a trigger); `manage.py audit_verify` checks the
    hash chain the last two fields make."""

    # No second COUNT(*) over the whole table just for "N total": this table grows large.
    show_full_result_count = False
    list_display = ["created_at", "actor", "action", "target_type", "target_id", "target_repr"]
    list_filter = ["action", "target_type", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["action", "target_type", "target_id", "target_repr", "note", "actor__username"]
    list_select_related = ["actor"]
    readonly_fields = [
        "created_at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "before",
        "after",
        "note",
        "prev_hash",
        "entry_hash",
    ]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and obj.action in VETTING_ACTIONS and not request.user.has_perm(VET):
            return [f for f in fields if f != "note"]
        return fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
