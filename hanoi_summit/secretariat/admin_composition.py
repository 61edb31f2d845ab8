"""What the secretariat's admin gets from the composing app: exports, the audit history, and
the member's accreditation beside the member.

The apps' own admins know nothing of hanoi_summit's exports and history pages, nor the
delegations admin of accreditation (dependencies point one way); `compose_admin` adds them
once every admin module has registered its models (HanoiSummitConfig.ready, which runs after
the admin's autodiscovery).
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accreditation.models import AccreditationStatus
from accreditation.presentation import ACCREDITATION_TONES
from hanoi_summit.core.admin import choice_pill

#: (app label, model name) -> export kind of hanoi_summit.secretariat.exports.specs.EXPORTS
EXPORTABLE = {
    ("delegations", "delegation"): "delegations",
    ("delegations", "member"): "members",
    ("programme", "booking"): "bookings",
    ("accreditation", "badge"): "badges",
    ("accreditation", "scan"): "scans",
}

HISTORY_CHANGE_FORM = "admin/change_form_with_history.html"


@admin.display(description=_("accreditation"), ordering="accreditation__status")
def member_accreditation_status(member):
    """The member's accreditation status in the member list (Draft before any submission)."""
    accreditation = getattr(member, "accreditation", None)
    status = accreditation.status if accreditation is not None else AccreditationStatus.DRAFT
    return choice_pill(AccreditationStatus, status, ACCREDITATION_TONES)


@admin.display(description=_("accreditation, badge and scans"))
def member_accreditation_links(member):
    """Links from the member's form to their accreditation, badges and gate scans."""
    accreditation = getattr(member, "accreditation", None) if member.pk else None
    if accreditation is None:
        return _("Not submitted for accreditation.")
    links = [
        (reverse("admin:accreditation_accreditation_change", args=[accreditation.pk]), _("Accreditation")),
        (
            reverse("admin:accreditation_badge_changelist")
            + "?"
            + urlencode({"accreditation__id__exact": accreditation.pk}),
            _("Badges"),
        ),
    ]
    badge = accreditation.badges.order_by("-version").first()
    if badge is not None:
        # Every version of a badge keeps its number: the scans of all of them.
        links.append(
            (
                reverse("admin:accreditation_scan_changelist") + "?" + urlencode({"q": badge.number}),
                _("Scans"),
            )
        )
    return format_html_join(" · ", '<a href="{}">{}</a>', links)


def _member_admin_with_accreditation(model_admin):
    model_admin.list_display = (*model_admin.list_display, member_accreditation_status)
    model_admin.list_filter = (
        *model_admin.list_filter,
        ("accreditation__status", admin.ChoicesFieldListFilter),
    )
    model_admin.list_select_related = (*model_admin.list_select_related, "accreditation")
    model_admin.readonly_fields = (*model_admin.readonly_fields, member_accreditation_links)


def compose_admin(site):
    from hanoi_summit.secretariat.exports.actions import export_action
    from hanoi_summit.secretariat.history import HISTORY_MODELS

    for model, model_admin in site._registry.items():
        key = (model._meta.app_label, model._meta.model_name)
        if key in EXPORTABLE:
            kind = EXPORTABLE[key]
            model_admin.actions = [
                *(model_admin.actions or []),
                export_action(kind, "csv"),
                export_action(kind, "xlsx"),
            ]
        if key == ("delegations", "member"):
            _member_admin_with_accreditation(model_admin)
        # Records with a history page link to it from their change form.
        if model._meta.label_lower in HISTORY_MODELS and model_admin.change_form_template is None:
            model_admin.change_form_template = HISTORY_CHANGE_FORM
