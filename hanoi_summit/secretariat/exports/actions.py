"""The admin action exporting the rows selected in a changelist, with the dashboard's specs."""

from django.core.exceptions import PermissionDenied
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from hanoi_summit.secretariat.exports.specs import EXPORTS, FORMATS
from hanoi_summit.secretariat.exports.writers import export_queryset_response


def export_action(kind, fmt):
    """An admin action exporting the selected rows: `actions = [export_action("members", "xlsx")]`.

    The selection is re-read through the export's own queryset (its joins and ordering);
    the export's permission is checked as on the dashboard page.
    """
    spec = EXPORTS[kind]
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")

    def action(modeladmin, request, queryset):
        if not request.user.has_perm(spec.permission):
            raise PermissionDenied
        selected = spec.queryset().filter(pk__in=queryset.values("pk"))
        return export_queryset_response(kind=kind, fmt=fmt, user=request.user, queryset=selected)

    action.__name__ = f"export_{kind}_{fmt}"
    action.short_description = format_lazy(gettext_lazy("Export selected as {format}"), format=fmt.upper())
    action.allowed_permissions = ("view",)
    return action
