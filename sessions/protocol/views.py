"""Protocol's programme pages: speakers' lists, the gala guest list, the signing ceremony.

Each view names the permission it needs; the rules are in the services.
"""

import itertools

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hanoi_summit.core import files
from hanoi_summit.core.access import any_perm_required
from hanoi_summit.core.http import private_file_response
from sessions import pdf, selectors, services
from sessions.errors import ProgrammeError
from sessions.forms import RefuseForm, SigningOrderForm, SpeakerMoveForm
from sessions.models import Session, SessionKind, Signature, SpeakerRequest


@any_perm_required("programme.view_session")
def index(request):
    plenaries = list(selectors.plenary_sessions())
    return render(
        request,
        "protocol/programme/index.html",
        {
            "plenaries": plenaries,
            "signatories": selectors.signatories_count(),
            "gala": selectors.gala_session(),
        },
    )


@any_perm_required("programme.change_speakerrequest")
def speakers(request, slug):
    session = get_object_or_404(Session, slug=slug, kind=SessionKind.PLENARY)
    entries = list(selectors.speakers_list(session=session))
    return render(request, "protocol/programme/speakers.html", {"session": session, "entries": entries})


@require_POST
@any_perm_required("programme.change_speakerrequest")
def speakers_move(request, pk):
    entry = get_object_or_404(SpeakerRequest.objects.select_related("session"), pk=pk)
    form = SpeakerMoveForm(request.POST)
    if form.is_valid():
        try:
            services.speakers_list_move(
                entry=entry, position=form.cleaned_data["position"], actor=request.user
            )
        except ProgrammeError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Give a position from 1."))
    return redirect("protocol_programme:speakers", slug=entry.session.slug)


@require_POST
@any_perm_required("programme.change_speakerrequest")
def speakers_close(request, slug):
    session = get_object_or_404(Session, slug=slug, kind=SessionKind.PLENARY)
    closed = request.POST.get("closed", "1") == "1"
    services.speakers_list_close(session=session, closed=closed, actor=request.user)
    messages.success(
        request, _("The speakers' list is closed.") if closed else _("The speakers' list is open again.")
    )
    return redirect("protocol_programme:speakers", slug=slug)


@require_GET
@any_perm_required("programme.view_speakerrequest")
def speakers_pdf(request, slug):
    session = get_object_or_404(Session, slug=slug, kind=SessionKind.PLENARY)
    body = pdf.speakers_list_pdf(session=session, entries=list(selectors.speakers_list(session=session)))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="speakers-{slug}.pdf"'
    return response


@any_perm_required("programme.view_galainvitation")
def gala(request):
    session = selectors.gala_session()
    if session is None:
        raise Http404(_("There is no gala dinner in the programme."))
    guests = list(selectors.gala_guest_list(session=session))
    invitations = list(selectors.gala_invitations(session=session))
    return render(
        request,
        "protocol/programme/gala.html",
        {
            "session": session,
            "guests": guests,
            "invitations": invitations,
            "seats_taken": selectors.gala_seats_taken(session=session),
        },
    )


@require_POST
@any_perm_required("programme.change_galainvitation")
def gala_invite(request):
    session = selectors.gala_session()
    if session is None:
        raise Http404
    created = services.gala_invite_heads(session=session, actor=request.user)
    messages.success(request, _("%(n)s heads of delegation invited.") % {"n": created})
    return redirect("protocol_programme:gala")


@require_GET
@any_perm_required("programme.view_galainvitation")
def gala_csv(request):
    """The guest list in order of precedence, for seating plans and the banquet staff."""
    session = selectors.gala_session()
    if session is None:
        raise Http404
    header = ["order", "delegation", "title", "name", "function", "level", "guest", "dietary needs"]
    rows = (
        [
            index,
            invitation.member.delegation.name,
            invitation.member.title,
            invitation.member.display_name,
            invitation.member.function,
            invitation.member.get_protocol_rank_display(),
            invitation.guest_name,
            invitation.dietary_needs,
        ]
        for index, invitation in enumerate(selectors.gala_guest_list(session=session), start=1)
    )
    return files.csv_response(itertools.chain([header], rows), filename="gala-guest-list.csv")


@any_perm_required("programme.manage_signing", "programme.verify_full_powers")
def signing(request):
    """The signing ceremony desk: declarations, full powers, order and slots, live count."""
    signatures = list(selectors.signatures())
    return render(
        request,
        "protocol/programme/signing.html",
        {
            "signatures": signatures,
            "ceremony": selectors.signing_ceremony(),
            "count": sum(1 for s in signatures if s.signed_at),
            "order_form": SigningOrderForm(),
            "refuse_form": RefuseForm(),
            "can_manage": request.user.has_perm("programme.manage_signing"),
            "can_verify": request.user.has_perm("programme.verify_full_powers"),
        },
    )


@require_POST
@any_perm_required("programme.manage_signing")
def signing_generate(request):
    ceremony = selectors.signing_ceremony()
    if ceremony is None:
        raise Http404
    form = SigningOrderForm(request.POST)
    if form.is_valid():
        ordered = services.signing_order_generate(
            ceremony=ceremony, slot_minutes=form.cleaned_data["slot_minutes"], actor=request.user
        )
        messages.success(request, _("Signing order generated: %(n)s slots.") % {"n": len(ordered)})
    else:
        messages.error(request, _("A slot lasts between 1 and 60 minutes."))
    return redirect("protocol_programme:signing")


@require_POST
@any_perm_required("programme.manage_signing")
def signing_record(request, pk):
    signature = get_object_or_404(Signature, pk=pk)
    try:
        services.signature_record(signature=signature, actor=request.user)
    except ProgrammeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Signature recorded."))
    return redirect("protocol_programme:signing")


@require_GET
@any_perm_required("programme.view_signature")
def signing_pdf(request):
    ceremony = selectors.signing_ceremony()
    if ceremony is None:
        raise Http404
    body = pdf.signing_order_pdf(ceremony=ceremony, signatures=list(selectors.signatures()))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="signing-order.pdf"'
    return response


@require_POST
@any_perm_required("programme.verify_full_powers")
def full_powers_verify(request, pk):
    signature = get_object_or_404(Signature, pk=pk)
    try:
        services.full_powers_verify(signature=signature, actor=request.user)
    except ProgrammeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Full powers verified."))
    return redirect("protocol_programme:signing")


@require_POST
@any_perm_required("programme.verify_full_powers")
def full_powers_refuse(request, pk):
    signature = get_object_or_404(Signature, pk=pk)
    form = RefuseForm(request.POST)
    # An empty reason is the service's refusal to make, with its message.
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.full_powers_refuse(signature=signature, reason=reason, actor=request.user)
    except ProgrammeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Full powers refused; the delegation is told why."))
    return redirect("protocol_programme:signing")


@require_GET
@any_perm_required("programme.verify_full_powers")
def full_powers_file(request, pk):
    """The full powers PDF, only to those who verify it (never from a public URL)."""
    signature = get_object_or_404(Signature.objects.select_related("full_powers"), pk=pk)
    if signature.full_powers is None:
        raise Http404
    return private_file_response(
        signature.full_powers.file, content_type="application/pdf", filename="full-powers.pdf"
    )
