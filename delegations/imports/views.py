"""Pages of the bulk import of members: upload -> preview with row errors -> confirm.

The rows read from the upload wait on the server between the preview and the confirmation
(`imports.preview`, bound to the delegation); confirming re-checks them all in
`imports.members.members_import`, so nothing the browser sends back is trusted.
"""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from delegations.access import focal_point_required
from delegations.errors import DelegationError
from delegations.imports import members as imports
from delegations.imports.preview import preview_drop, preview_keep, preview_take
from delegations.models import Delegation
from delegations.selectors import focal_point_delegation
from hanoi_summit.core.files import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE

_FLOW = "members"
#: The preview lists at most this many rows with errors (a wrong file may have thousands).
SHOWN_ERROR_ROWS = 200
SHOWN_ROWS = 25
#: The success message names at most this many members still needing a photo.
SHOWN_PHOTO_NAMES = 15
STAFF_PERMISSION = "delegations.add_member"


class MemberImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV or XLSX file"),
        help_text=gettext_lazy(
            "Use the template: one member per row, the first row naming the columns. At most 5 MB."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class DelegationChoiceForm(forms.Form):
    delegation = forms.ModelChoiceField(
        label=gettext_lazy("Delegation"), queryset=Delegation.objects.order_by("name"), to_field_name="pk"
    )


def _staff_allowed(user):
    return user.is_staff and user.has_perm(STAFF_PERMISSION)


def _staff_importer(view):
    """Staff holding `delegations.add_member` import for any delegation, named in the URL."""

    @login_required
    @wraps(view)
    def wrapper(request, delegation_pk):
        if not _staff_allowed(request.user):
            raise PermissionDenied
        delegation = get_object_or_404(Delegation, pk=delegation_pk)
        response = view(request, delegation)
        add_never_cache_headers(response)
        return response

    return wrapper


def _urls(delegation, staff):
    if staff:
        return {
            "upload_url": reverse("portal:member-import-staff", args=[delegation.pk]),
            "confirm_url": reverse("portal:member-import-staff-confirm", args=[delegation.pk]),
            "base_template": "portal/import_staff_base.html",
            "staff": True,
        }
    return {
        "upload_url": reverse("portal:member-import"),
        "confirm_url": reverse("portal:member-import-confirm"),
        "base_template": "portal/base_portal.html",
        "staff": False,
    }


def _upload(request, delegation, *, staff):
    form = MemberImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "delegation": delegation, **_urls(delegation, staff)}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = imports.member_import_read(upload)
        except DelegationError as error:
            form.add_error("file", error.message)
        else:
            preview = imports.member_import_check(delegation=delegation, rows=rows)
            preview_drop(request, flow=_FLOW)
            token = ""
            if preview.ok:
                token = preview_keep(request, flow=_FLOW, scope=delegation.pk, rows=rows)
            error_rows = preview.error_rows
            context |= {
                "preview": preview,
                "token": token,
                "file_name": upload.name,
                "error_rows": error_rows[:SHOWN_ERROR_ROWS],
                "hidden_errors": max(len(error_rows) - SHOWN_ERROR_ROWS, 0),
                "sample_rows": preview.rows[:SHOWN_ROWS],
                "without_photo": len(preview.without_photo),
                "total_after": preview.existing + len(preview.rows),
            }
            return render(request, "portal/import_preview.html", context)
    return render(request, "portal/import.html", context)


def _confirm(request, delegation, *, staff):
    urls = _urls(delegation, staff)
    rows = preview_take(request, flow=_FLOW, scope=delegation.pk, token=request.POST.get("token", ""))
    if rows is None:
        # A second click, another tab's preview, or a stale page: nothing is saved twice.
        messages.warning(request, _("This preview is no longer current: upload the file again."))
        return redirect(urls["upload_url"])
    try:
        preview = imports.members_import(delegation=delegation, rows=rows, actor=request.user)
    except DelegationError as error:
        messages.error(request, error.message)
        return redirect(urls["upload_url"])
    count = len(preview.rows)
    messages.success(
        request,
        ngettext("%(n)s member was imported.", "%(n)s members were imported.", count) % {"n": count},
    )
    _photo_message(request, preview.without_photo)
    return redirect(urls["upload_url"] if staff else "portal:members")


def _photo_message(request, rows):
    if not rows:
        return
    names = ", ".join(row.name for row in rows[:SHOWN_PHOTO_NAMES])
    if len(rows) > SHOWN_PHOTO_NAMES:
        names += " " + _("and %(n)s more") % {"n": len(rows) - SHOWN_PHOTO_NAMES}
    messages.warning(
        request,
        ngettext(
            "%(n)s member still needs a photo, to be added from the members list: %(names)s.",
            "%(n)s members still need a photo, to be added from the members list: %(names)s.",
            len(rows),
        )
        % {"n": len(rows), "names": names},
    )


@focal_point_required
@require_http_methods(["GET", "POST"])
def member_import(request):
    return _upload(request, request.delegation, staff=False)


@focal_point_required
@require_POST
def member_import_confirm(request):
    return _confirm(request, request.delegation, staff=False)


@login_required
def staff_member_import_choose(request):
    """Staff pick the delegation to import for (the import page's address names it)."""
    if not _staff_allowed(request.user):
        raise PermissionDenied
    form = DelegationChoiceForm(request.GET or None)
    if form.is_valid():
        return redirect("portal:member-import-staff", delegation_pk=form.cleaned_data["delegation"].pk)
    response = render(
        request,
        "portal/import_staff_choose.html",
        {"form": form, "base_template": "portal/import_staff_base.html", "staff": True},
    )
    add_never_cache_headers(response)
    return response


@_staff_importer
@require_http_methods(["GET", "POST"])
def staff_member_import(request, delegation):
    return _upload(request, delegation, staff=True)


@_staff_importer
@require_POST
def staff_member_import_confirm(request, delegation):
    return _confirm(request, delegation, staff=True)


@login_required
def member_import_template(request, fmt):
    """The empty template with an example row, for focal points and staff who may import."""
    user = request.user
    if focal_point_delegation(user=user) is None and not _staff_allowed(user):
        raise PermissionDenied
    if fmt == "csv":
        response = HttpResponse(imports.member_import_template_csv(), content_type=CSV_CONTENT_TYPE)
    elif fmt == "xlsx":
        response = HttpResponse(imports.member_import_template_xlsx(), content_type=XLSX_CONTENT_TYPE)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="members-template.{fmt}"'
    return response
