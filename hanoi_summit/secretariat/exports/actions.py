"""The admin action exporting the rows selected in a changelist, with the dashboard's specs."""

from django.core.exceptions import PermissionDenied
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from hanoi_summit.secretariat.documents.kinds import SELECTION_PARAM, export_kind
from hanoi_summit.secretariat.documents.views import start_and_show
from hanoi_summit.secretariat.exports.specs import EXPORTS, FORMATS


def export_action(kind, fmt):
    """An admin action exporting the selected rows: `actions = [export_action("members", "xlsx")]`.

    The export is made in the background like the dashboard's, of the selected rows re-read
    through the export's own queryset (its joins and ordering); the export's permission is
    checked as on the dashboard page. The answer is the document's page.
    """
    spec = EXPORTS[kind]
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    document = export_kind(kind, fmt)

    def action(modeladmin, request, queryset):
        if not request.user.has_perm(spec.permission):
            raise PermissionDenied
        selected = sorted(queryset.values_list("pk", flat=True))
        return start_and_show(request, kind=document.name, params={SELECTION_PARAM: selected})

    action.__name__ = f"export_{kind}_{fmt}"
    action.short_description = format_lazy(gettext_lazy("Export selected as {format}"), format=fmt.upper())
    action.allowed_permissions = ("view",)
    return action
