"""/dashboard/history/<app_label.model>/<pk>/: every audit entry about one record, newest
first, with what changed; passport data masked for staff who may not see it."""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accreditation.permissions import VET
from delegations.models import PASSPORT_FIELDS, VIEW_PASSPORT
from hanoi_summit.core.access import all_perms_required
from hanoi_summit.core.audit import audit_history
from hanoi_summit.core.pagination import page_of

#: Records with a history page, as "app_label.model"; their admin change forms link to it.
HISTORY_MODELS = frozenset(
    {
        "delegations.delegation",
        "delegations.member",
        "accreditation.accreditation",
        "accreditation.badge",
        "programme.session",
        "programme.booking",
        "programme.signature",
    }
)

#: Audit actions whose note is security's reasons: shown to holders of VET only.
VETTING_ACTIONS = frozenset({"accreditation.clear", "accreditation.refuse"})


#: Each audit action in words, for the history page (the code stays in the data and the API).
ACTION_LABELS = {
    "accreditation.submit": _("Submitted for accreditation"),
    "accreditation.start_review": _("Review started"),
    "accreditation.approve": _("Approved"),
    "accreditation.return": _("Returned for changes"),
    "accreditation.reject": _("Rejected"),
    "accreditation.clear": _("Security cleared"),
    "accreditation.refuse": _("Refused by security"),
    "accreditation.revoke": _("Accreditation revoked"),
    "accreditation.vetting_view": _("Record viewed by security"),
    "badge.issue": _("Badge issued"),
    "badge.print": _("Badge printed"),
    "badge.reprint": _("Badge reprinted"),
    "badge.hand_over": _("Badge handed over"),
    "badge.revoke": _("Badge revoked"),
    "booking.request": _("Booking requested"),
    "booking.cancel": _("Booking cancelled"),
    "booking.promote": _("Moved up from the waiting list"),
    "delegation.update": _("Delegation details changed"),
    "delegation.rename": _("Delegation renamed"),
    "document.upload": _("Document uploaded"),
    "document.delete": _("Document removed"),
    "document.view": _("Document opened by staff"),
    "email.cancel": _("E-mail cancelled"),
    "email.retry": _("E-mail sent again"),
    "gala.invite": _("Invited to the gala dinner"),
    "gala.respond": _("Gala dinner answer recorded"),
    "invitation.create": _("Invitation sent"),
    "invitation.resend": _("Invitation sent again"),
    "invitation.accept": _("Invitation accepted"),
    "invitation.revoke": _("Invitation revoked"),
    "member.create": _("Member added"),
    "member.update": _("Member changed"),
    "member.delete": _("Member removed"),
    "member.import": _("Members imported"),
    "member.photo_view": _("Photo viewed by staff"),
    "member.gate_photo_view": _("Photo viewed at a gate"),
    "signature.declare": _("Signatory declared"),
    "signature.full_powers_upload": _("Full powers uploaded"),
    "signature.full_powers_verify": _("Full powers verified"),
    "signature.full_powers_refuse": _("Full powers refused"),
    "signature.record": _("Signature recorded"),
    "signing.order": _("Signing order drawn up"),
    "speakers.request": _("Asked to speak"),
    "speakers.withdraw": _("Request to speak withdrawn"),
    "speakers.move": _("Moved on the speakers' list"),
    "speakers.close": _("Speakers' list closed"),
    "speakers.reopen": _("Speakers' list reopened"),
    "api_token.revoke": _("API token revoked"),
    "user.password_set": _("Password set"),
}


def action_label(action):
    """The words for an audit action; the code itself for one not in ACTION_LABELS."""
    return ACTION_LABELS.get(action, action)


def _field_label(model, name):
    try:
        return capfirst(model._meta.get_field(name).verbose_name)
    except (FieldDoesNotExist, AttributeError):
        return name


def history_changes(entry, *, show_passport, model=None):
    """[(field, before, after, changed)] over the union of the entry's before/after keys; each
    field by its name in words when it is one of `model`'s."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    rows = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if key in PASSPORT_FIELDS and not show_passport:
            old = "•••" if old else old
            new = "•••" if new else new
        label = _field_label(model, key) if model is not None else key
        rows.append((label, old, new, key in before and key in after and old != new))
    return rows


def _admin_change_url(model, obj):
    if obj is None:
        return None
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return None


@all_perms_required()
def history(request, label, pk):
    """Every audit entry about one record, newest first, with what changed."""
    if label not in HISTORY_MODELS:
        raise Http404
    model = apps.get_model(label)
    if not request.user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
        raise PermissionDenied
    obj = model.objects.filter(pk=pk).first()
    # A deleted record keeps its history: read it through a bare instance with its key.
    entries = audit_history(target=obj or model(pk=pk))
    page = page_of(request, entries)
    if obj is None and not page.object_list:
        raise Http404
    show_passport = request.user.has_perm(VIEW_PASSPORT)
    show_vetting_notes = request.user.has_perm(VET)
    rows = [
        {
            "entry": entry,
            "note": entry.note if show_vetting_notes or entry.action not in VETTING_ACTIONS else "",
            "action": action_label(entry.action),
            "changes": history_changes(entry, show_passport=show_passport, model=model),
        }
        for entry in page.object_list
    ]
    return render(
        request,
        "dashboard/history.html",
        {
            "obj": obj,
            "label": label,
            "pk": pk,
            "verbose_name": model._meta.verbose_name,
            "page": page,
            "rows": rows,
            "admin_url": _admin_change_url(model, obj),
        },
    )
