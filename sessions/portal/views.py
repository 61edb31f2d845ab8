"""The programme section of the focal points' portal: bookings, speakers' list, gala, signing.

Every object is loaded through the caller's delegation (`request.delegation`), so another
delegation's objects answer 404. Rules live in the services; these views parse and render.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from delegations.access import focal_point_required
from delegations.models import SIGNATORY_KINDS, Member
from delegations.selectors import delegation_members
from hanoi_summit.core.clock import event_now
from sessions import ical, selectors, services
from sessions.errors import ProgrammeError
from sessions.forms import BookingForm, FullPowersForm, GalaResponseForm, SignatureForm, SpeakerRequestForm
from sessions.models import Booking, BookingStatus, GalaInvitation, Signature, SpeakerRequest

#: The last booking the focal point cancelled, offered once as "Undo" on the bookings page.
_UNDO_BOOKING = "portal_undo_booking"


def _booking_form(request, data=None):
    return BookingForm(
        data,
        sessions=selectors.bookable_sessions(now=event_now()),
        members=delegation_members(delegation=request.delegation),
    )


def _refused(request, error, form=None):
    if form is None:
        messages.error(request, error.message)
    else:
        form.add_error(error.field if error.field in form.fields else None, error.message)


@focal_point_required
def bookings(request):
    """The delegation's bookings, the sessions open for booking, and the form to book."""
    form = _booking_form(request)
    if request.method == "POST":
        form = _booking_form(request, request.POST)
        if form.is_valid():
            try:
                booking = services.booking_request(
                    session=form.cleaned_data["session"],
                    member=form.cleaned_data["member"],
                    delegation=request.delegation,
                    actor=request.user,
                )
            except ProgrammeError as error:
                _refused(request, error, form)
            else:
                if booking.status == BookingStatus.CONFIRMED:
                    messages.success(
                        request, _("%(name)s is booked.") % {"name": booking.member.display_name}
                    )
                else:
                    messages.warning(
                        request,
                        _("The session is full: %(name)s is on the waiting list.")
                        % {"name": booking.member.display_name},
                    )
                return redirect("portal_programme:index")
    context = {
        "tab": "bookings",
        "undo": request.session.pop(_UNDO_BOOKING, None) if request.method == "GET" else None,
        "form": form,
        "bookings": list(selectors.delegation_bookings(delegation=request.delegation)),
        "sessions": list(selectors.bookable_sessions(now=event_now())),
    }
    return render(request, "portal/programme/bookings.html", context, status=400 if form.errors else 200)


@require_POST
@focal_point_required
def booking_cancel(request, pk):
    booking = get_object_or_404(
        Booking.objects.select_related("member", "session"), pk=pk, member__delegation=request.delegation
    )
    try:
        promoted = services.booking_cancel(booking=booking, delegation=request.delegation, actor=request.user)
    except ProgrammeError as error:
        messages.error(request, error.message)
    else:
        # The undo is the booking form sent again for the same member and session: cheap, and
        # it goes through the same rules (the seat may have gone to the waiting list meanwhile).
        request.session[_UNDO_BOOKING] = {
            "session": booking.session_id,
            "member": booking.member_id,
            "session_title": booking.session.title,
            "member_name": booking.member.display_name,
        }
        if promoted is not None:
            messages.info(
                request,
                _("%(name)s moved up from the waiting list.") % {"name": promoted.member.display_name},
            )
    return redirect("portal_programme:index")


@require_GET
def agenda_ics(request, token):
    """A member's personal agenda. The unguessable token is the credential: calendar
    applications subscribe without logging in."""
    member = get_object_or_404(Member, agenda_token=token)
    body = ical.calendar(
        selectors.member_agenda_sessions(member=member),
        name=_("Hanoi Convention: agenda of %(name)s") % {"name": member.display_name},
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@focal_point_required
def agendas(request):
    """Each member's personal agenda link, to copy into a calendar application."""
    members = list(delegation_members(delegation=request.delegation))
    return render(request, "portal/programme/agendas.html", {"tab": "agendas", "members": members})


def _speaker_form(request, data=None):
    return SpeakerRequestForm(
        data,
        sessions=selectors.plenaries_taking_requests(),
        members=delegation_members(delegation=request.delegation),
    )


@focal_point_required
def speakers(request):
    form = _speaker_form(request)
    if request.method == "POST":
        form = _speaker_form(request, request.POST)
        if form.is_valid():
            try:
                services.speaker_request_create(
                    session=form.cleaned_data["session"],
                    delegation=request.delegation,
                    speaker=form.cleaned_data["speaker"],
                    actor=request.user,
                )
            except ProgrammeError as error:
                _refused(request, error, form)
            else:
                messages.success(request, _("Your delegation is on the speakers' list."))
                return redirect("portal_programme:speakers")
    entries = list(selectors.delegation_speaker_requests(delegation=request.delegation))
    return render(
        request,
        "portal/programme/speakers.html",
        {"tab": "speakers", "form": form, "entries": entries},
        status=400 if form.errors else 200,
    )


@require_POST
@focal_point_required
def speaker_withdraw(request, pk):
    entry = get_object_or_404(SpeakerRequest, pk=pk, delegation=request.delegation)
    try:
        services.speaker_request_withdraw(entry=entry, delegation=request.delegation, actor=request.user)
    except ProgrammeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Request withdrawn."))
    return redirect("portal_programme:speakers")


@focal_point_required
def gala(request):
    invitations = list(selectors.delegation_gala_invitations(delegation=request.delegation))
    rows = [
        (invitation, GalaResponseForm(invitation=invitation, prefix=f"g{invitation.pk}"))
        for invitation in invitations
    ]
    return render(request, "portal/programme/gala.html", {"tab": "gala", "rows": rows})


@require_POST
@focal_point_required
def gala_respond(request, pk):
    invitation = get_object_or_404(
        GalaInvitation.objects.select_related("member", "session"),
        pk=pk,
        member__delegation=request.delegation,
    )
    form = GalaResponseForm(request.POST, invitation=invitation, prefix=f"g{invitation.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose to accept or decline."))
        return redirect("portal_programme:gala")
    try:
        services.gala_respond(
            invitation=invitation,
            delegation=request.delegation,
            accept=form.cleaned_data["answer"] == "accept",
            guest_name=form.cleaned_data.get("guest_name", ""),
            dietary_needs=form.cleaned_data["dietary_needs"],
            actor=request.user,
        )
    except ProgrammeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your answer is recorded."))
    return redirect("portal_programme:gala")


def _signing_context(request, *, form=None, upload_form=None):
    signature = selectors.delegation_signature(delegation=request.delegation)
    members = delegation_members(delegation=request.delegation)
    if form is None:
        initial = {}
        if signature is not None:
            initial = {
                "intends_to_sign": signature.intends_to_sign,
                "signatory": signature.signatory_id,
                "basis": signature.basis,
            }
        form = SignatureForm(initial=initial, members=members)
    return {
        "tab": "signing",
        "can_sign": request.delegation.kind in SIGNATORY_KINDS,
        "signature": signature,
        "form": form,
        "upload_form": upload_form or FullPowersForm(),
    }


@focal_point_required
def signing(request):
    """State who signs the Convention and on what authority; upload the full powers."""
    status = 200
    form = None
    if request.method == "POST":
        form = SignatureForm(request.POST, members=delegation_members(delegation=request.delegation))
        if form.is_valid():
            try:
                services.signature_declare(
                    delegation=request.delegation,
                    signatory=form.cleaned_data["signatory"],
                    basis=form.cleaned_data["basis"],
                    intends_to_sign=form.cleaned_data["intends_to_sign"],
                    actor=request.user,
                )
            except ProgrammeError as error:
                _refused(request, error, form)
            else:
                messages.success(request, _("Your declaration is recorded."))
                return redirect("portal_programme:signing")
        status = 400
    return render(
        request, "portal/programme/signing.html", _signing_context(request, form=form), status=status
    )


@require_POST
@focal_point_required
def full_powers_upload(request):
    signature = get_object_or_404(Signature, delegation=request.delegation)
    upload_form = FullPowersForm(request.POST, request.FILES)
    if upload_form.is_valid():
        try:
            services.full_powers_upload(
                signature=signature,
                delegation=request.delegation,
                upload=upload_form.cleaned_data["file"],
                reference=upload_form.cleaned_data["reference"],
                actor=request.user,
            )
        except ProgrammeError as error:
            _refused(request, error, upload_form)
        else:
            messages.success(request, _("Full powers received: the secretariat will verify them."))
            return redirect("portal_programme:signing")
    return render(
        request,
        "portal/programme/signing.html",
        _signing_context(request, upload_form=upload_form),
        status=400,
    )
