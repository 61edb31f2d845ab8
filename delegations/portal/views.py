"""The focal point's portal: delegation details, members, documents; invitations and private files.

Thin views: parse with a form, call a service or selector, render. Every object is loaded
through `request.delegation`, so another delegation's ids answer 404.
"""

import uuid

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from delegations import selectors, services
from delegations.access import focal_point_required
from delegations.errors import DelegationError
from delegations.forms import DelegationForm, DocumentForm, InvitationAcceptForm, MemberForm
from delegations.models import Member
from delegations.portal.passwords import QueuedPasswordResetForm
from hanoi_summit.core.http import private_file_response

_FORM_TOKENS = "portal_form_tokens"


@focal_point_required
def portal_home(request):
    delegation = request.delegation
    return render(
        request,
        "portal/home.html",
        {"delegation": delegation, "progress": selectors.delegation_progress(delegation=delegation)},
    )


@focal_point_required
@require_http_methods(["GET", "POST"])
def delegation_edit(request):
    form = DelegationForm(request.POST or None, instance=request.delegation)
    if request.method == "POST" and form.is_valid():
        try:
            services.delegation_update(
                delegation=request.delegation, actor=request.user, data=form.cleaned_data
            )
        except DelegationError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The delegation's details are saved."))
            return redirect("portal:home")
    return render(request, "portal/delegation_form.html", {"form": form, "delegation": request.delegation})


@focal_point_required
def member_list(request):
    members = selectors.delegation_members(delegation=request.delegation)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        total = members.count()
        members = selectors.members_matching(members, query)
    else:
        members = list(members)
        total = len(members)
    return render(
        request,
        "portal/member_list.html",
        {"members": members, "member_total": total, "query": query, "delegation": request.delegation},
    )


def _form_token_used(request):
    """True if this form was already saved once (a double click, a browser re-post)."""
    token = request.POST.get("form_token", "")
    return bool(token) and token in request.session.get(_FORM_TOKENS, [])


def _form_token_record(request):
    token = request.POST.get("form_token", "")
    if token:
        # The last few are enough: a re-post follows within seconds.
        request.session[_FORM_TOKENS] = [*request.session.get(_FORM_TOKENS, [])[-49:], token]


def _form_token():
    return uuid.uuid4().hex


@focal_point_required
@require_http_methods(["GET", "POST"])
def member_add(request):
    delegation = request.delegation
    if request.method == "POST":
        if _form_token_used(request):
            messages.info(request, _("This form was already sent: the member was added once."))
            return redirect("portal:members")
        form = MemberForm(request.POST, request.FILES, instance=Member(delegation=delegation))
        if form.is_valid():
            try:
                member = services.member_create(
                    delegation=delegation,
                    actor=request.user,
                    data=form.member_data(),
                    photo=form.cleaned_data.get("photo"),
                )
            except DelegationError as error:
                form.add_domain_error(error)
            else:
                _form_token_record(request)
                messages.success(request, _("%(name)s was added.") % {"name": member.full_name})
                if "add_another" in request.POST:
                    return redirect("portal:member-add")
                return redirect("portal:members")
    else:
        form = MemberForm(initial={"form_token": _form_token()})
    return render(
        request,
        "portal/member_form.html",
        {"form": form, "delegation": delegation, "adding": True},
    )


@focal_point_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    member = selectors.delegation_member_get(delegation=request.delegation, pk=pk)
    if member.is_locked:
        if request.method == "POST":
            messages.error(
                request, _("%(name)s is under review and cannot be changed now.") % {"name": member}
            )
        return render(request, "portal/member_detail.html", {"member": member})
    form = MemberForm(request.POST or None, request.FILES or None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(
                member=member,
                actor=request.user,
                data=form.member_data(),
                photo=form.cleaned_data.get("photo"),
            )
        except DelegationError as error:
            # The form's instance took the refused values; show the stored photo state.
            form.add_domain_error(error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": member.full_name})
            return redirect("portal:members")
    return render(request, "portal/member_form.html", {"form": form, "member": member})


@focal_point_required
@require_http_methods(["GET", "POST"])
def member_delete(request, pk):
    member = selectors.delegation_member_get(delegation=request.delegation, pk=pk)
    if request.method == "POST":
        try:
            services.member_delete(member=member, actor=request.user)
        except DelegationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(name)s was removed.") % {"name": member.full_name})
        return redirect("portal:members")
    return render(request, "portal/member_confirm_delete.html", {"member": member})


@focal_point_required
@require_http_methods(["GET", "POST"])
def documents(request):
    delegation = request.delegation
    if request.method == "POST" and _form_token_used(request):
        messages.info(request, _("This form was already sent: the document was uploaded once."))
        return redirect("portal:documents")
    form = DocumentForm(request.POST or None, request.FILES or None, initial={"form_token": _form_token()})
    if request.method == "POST" and form.is_valid():
        try:
            services.document_upload(
                delegation=delegation,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                reference=form.cleaned_data["reference"],
                date=form.cleaned_data["date"],
            )
        except DelegationError as error:
            form.add_domain_error(error)
        else:
            _form_token_record(request)
            messages.success(request, _("The document was uploaded."))
            return redirect("portal:documents")
    return render(
        request,
        "portal/documents.html",
        {
            "form": form,
            "documents": selectors.delegation_documents(delegation=delegation),
            "delegation": delegation,
        },
    )


@focal_point_required
@require_POST
def document_delete(request, pk):
    document = selectors.delegation_document_get(delegation=request.delegation, pk=pk)
    try:
        services.document_delete(document=document, actor=request.user)
    except DelegationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The document was removed."))
    return redirect("portal:documents")


def _allowed_object(request, *, pk, own_getter, staff_getter, permission):
    """The object if the caller is its delegation's focal point or staff holding `permission`.

    The caller records staff access in the audit trail; anyone else gets 404.
    """
    delegation = selectors.focal_point_delegation(user=request.user)
    if delegation is not None:
        return own_getter(delegation=delegation, pk=pk), False
    if request.user.is_staff and request.user.has_perm(permission):
        return staff_getter(pk=pk), True
    raise Http404


@login_required
def member_photo(request, pk):
    """The member's photo, for the focal point of their delegation or staff with `delegations.view_member`."""
    member, by_staff = _allowed_object(
        request,
        pk=pk,
        own_getter=selectors.delegation_member_get,
        staff_getter=selectors.member_for_staff,
        permission="delegations.view_member",
    )
    if not member.photo:
        raise Http404
    if by_staff:
        services.member_photo_view_record(member=member, actor=request.user)
    return private_file_response(
        member.photo, content_type="image/jpeg", filename=f"member-{member.pk}.jpg", as_attachment=False
    )


@login_required
def document_file(request, pk):
    """A delegation's PDF, for its focal point or staff with `delegations.view_document`."""
    document, by_staff = _allowed_object(
        request,
        pk=pk,
        own_getter=selectors.delegation_document_get,
        staff_getter=selectors.document_for_staff,
        permission="delegations.view_document",
    )
    if by_staff:
        services.document_view_record(document=document, actor=request.user)
    return private_file_response(
        document.file,
        content_type="application/pdf",
        filename=f"{document.kind}-{document.pk}.pdf",
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    try:
        invitation = services.invitation_find(token=token)
    except DelegationError as error:
        status = 404 if error.code == "invitation_unknown" else 410
        return render(request, "portal/invitation_invalid.html", {"error": error}, status=status)
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["password1"])
        except DelegationError as error:
            if error.code.startswith("invitation_"):
                return render(request, "portal/invitation_invalid.html", {"error": error}, status=410)
            form.add_domain_error(error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome. Your account is ready: from now on, log in with %(email)s and your password.")
                % {"email": user.username},
            )
            return redirect("portal:home")
    return render(request, "portal/invitation_accept.html", {"form": form, "invitation": invitation})


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "portal/password_reset_form.html"
    success_url = reverse_lazy("portal:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")
