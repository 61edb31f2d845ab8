"""/dashboard/history/<app_label.model>/<pk>/: every audit entry about one record, newest
first, with what changed; passport data masked for staff who may not see it."""

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

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


def history_changes(entry, *, show_passport):
    """[(field, before, after, changed)] over the union of the entry's before/after keys."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    rows = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if key in PASSPORT_FIELDS and not show_passport:
            old = "•••" if old else old
            new = "•••" if new else new
        rows.append((key, old, new, key in before and key in after and old != new))
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
            "changes": history_changes(entry, show_passport=show_passport),
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
