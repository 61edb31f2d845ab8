"""The secretariat's admin: site branding, the outbox and the audit trail.

Also holds the small display helpers the apps' admins share (status pills, yes/no filters on
"is this date set"), so every changelist looks and filters alike.
"""

from django.contrib import admin, messages
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hanoi_summit.core.errors import DomainError
from hanoi_summit.core.outbox import queue as outbox
from hanoi_summit.models import AuditEntry, EmailStatus, OutgoingEmail

admin.site.site_header = _("Hanoi Summit — Secretariat")
admin.site.site_title = _("Hanoi Summit")
admin.site.index_title = _("Secretariat administration")
# The sidebar repeats the whole model list on every page: it squeezes the wide changelists
# off a laptop screen and is a third of each page's rendering time. The index has the list.
admin.site.enable_nav_sidebar = False

#: Bootstrap-like colours for status pills: green for done, amber for waiting, red for stopped.
PILL_COLOURS = {
    "success": "#198754",
    "warning": "#B8860B",
    "danger": "#DC3545",
    "info": "#0D6EFD",
    "secondary": "#6C757D",
}


def status_pill(label, tone):
    """A coloured pill for a status column; `tone` is a key of PILL_COLOURS."""
    colour = PILL_COLOURS.get(tone, PILL_COLOURS["secondary"])
    return format_html(
        '<span style="display:inline-block;padding:1px 8px;border-radius:10px;'
        'background:{};color:#fff;font-size:11px;white-space:nowrap">{}</span>',
        colour,
        label,
    )


def choice_pill(choices, value, tones):
    """A status pill for `value` of the TextChoices `choices`, its tone from `tones`.

    Only the one label is translated: get_FOO_display() translates every choice of the
    field on each call, which was a third of a 100-row changelist's rendering time.
    """
    try:
        label = choices(value).label
    except ValueError:
        label = value
    return status_pill(label, tones.get(value, "secondary"))


def short_time(value):
    """ "25 Oct 08:05" in the event's time zone, or "-": keeps date columns narrow."""
    if value is None:
        return "-"
    return formats.date_format(timezone.localtime(value), "j M H:i")


def date_set_filter(field, title):
    """A Yes/No filter on whether the date field `field` is set ("printed?", "revoked?")."""

    class DateSetFilter(admin.SimpleListFilter):
        parameter_name = field.removesuffix("_at")

        def lookups(self, request, model_admin):
            return [("yes", _("Yes")), ("no", _("No"))]

        def queryset(self, request, queryset):
            if self.value() == "yes":
                return queryset.filter(**{f"{field}__isnull": False})
            if self.value() == "no":
                return queryset.filter(**{f"{field}__isnull": True})
            return queryset

    DateSetFilter.title = title
    DateSetFilter.__name__ = f"{field.title().replace('_', '')}SetFilter"
    return DateSetFilter


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record to read: its changes belong to a service that checks the rules and audits."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
            {"fields": ["status", "attempts", "last_error", "next_attempt_at", "created_at", "sent_at"]},
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


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail, to read only: the model itself refuses updates and deletes too."""

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
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
