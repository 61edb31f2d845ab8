"""The accreditation officers' and security officers' pages: queues, review, vetting.

Views parse, call a selector or a service, and render; the rules live in services.
"""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accreditation import selectors, services
from accreditation.forms import ApproveForm, BulkApproveForm, QueueFilterForm, ReasonForm, VettingForm
from accreditation.models import Accreditation, AccreditationStatus
from accreditation.permissions import HAND_OVER, PRINT, REVIEW, VET
from accreditation.review.place import after_decision, queue_state, redirect_with_state
from accreditation.workflow import REVIEW_QUEUE, VETTING_QUEUE, AccreditationError, can_move
from delegations.models import Member
from delegations.selectors import delegations_suggested
from hanoi_summit.core.access import any_perm_required
from hanoi_summit.core.audit import audit_history
from hanoi_summit.core.http import private_file_response
from hanoi_summit.core.pagination import page_of, querystring_without_page


def _review_next(request, accreditation):
    return after_decision(
        request,
        accreditation,
        queue_url="review:queue",
        detail_url="review:detail",
        selector=selectors.review_queue,
        order=selectors.REVIEW_ORDER,
        statuses=sorted(REVIEW_QUEUE),
    )


def _back_to_detail(request, name, pk):
    return redirect_with_state(reverse(name, args=[pk]), queue_state(request))


def _queue_page(request, template, form, selector):
    page = page_of(request, selector(filters=form.filters()))
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
            # The page as it is (filters and page): its rows' links carry it to the person.
            "queue_state": request.GET.urlencode(),
        },
    )


@any_perm_required(REVIEW, VET, PRINT)
def delegation_suggestions(request):
    """Delegations matching what is typed in a queue's delegation filter (its datalist)."""
    text = request.GET.get("q", "")[:100]
    return JsonResponse({"results": delegations_suggested(text=text)})


# --- accreditation officers ------------------------------------------------------------------


@any_perm_required(REVIEW)
def review_queue(request):
    form = QueueFilterForm(request.GET, statuses=sorted(REVIEW_QUEUE))
    return _queue_page(request, "accreditation/review_queue.html", form, selectors.review_queue)


@any_perm_required(REVIEW)
@require_POST
def review_bulk_approve(request):
    form = BulkApproveForm(request.POST, queryset=selectors.review_queue())
    back = redirect_with_state(reverse("review:queue"), queue_state(request))
    if not form.is_valid():
        messages.error(request, _("Select at least one request waiting for review."))
        return back
    approved, refused = services.accreditation_approve_many(
        accreditations=form.cleaned_data["accreditations"], actor=request.user
    )
    if approved:
        messages.success(
            request, _("%(count)d approved with their suggested category.") % {"count": len(approved)}
        )
    for accreditation, error in refused:
        messages.error(request, f"{accreditation.member}: {error.message}")
    return back


def _review_page(request, accreditation, *, approve_form=None, reason_form=None, status=200):
    if approve_form is None:
        category, zones = accreditation.category, list(accreditation.zones.all())
        if category is None:
            category, zones = selectors.assignment_suggested(member=accreditation.member)
        approve_form = ApproveForm(initial={"category": category, "zones": zones})
    return render(
        request,
        "accreditation/review.html",
        {
            "accreditation": accreditation,
            "member": accreditation.member,
            "approve_form": approve_form,
            "reason_form": reason_form or ReasonForm(),
            "can_decide": accreditation.status in REVIEW_QUEUE,
            "history": audit_history(target=accreditation)[:20],
            "queue_state": queue_state(request),
        },
        status=status,
    )


def _accreditation(pk, selector=selectors.accreditation_for_review):
    try:
        return selector(pk=pk)
    except Accreditation.DoesNotExist:
        raise Http404 from None


@any_perm_required(REVIEW)
def review_detail(request, pk):
    return _review_page(request, _accreditation(pk))


@any_perm_required(REVIEW)
@require_POST
def review_start(request, pk):
    try:
        services.accreditation_start_review(accreditation=_accreditation(pk), actor=request.user)
    except AccreditationError as error:
        messages.error(request, error.message)
    return _back_to_detail(request, "review:detail", pk)


@any_perm_required(REVIEW)
@require_POST
def review_approve(request, pk):
    accreditation = _accreditation(pk)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            services.accreditation_approve(
                accreditation=accreditation,
                actor=request.user,
                category=form.cleaned_data["category"],
                zones=form.cleaned_data["zones"],
            )
        except AccreditationError as error:
            messages.error(request, error.message)
            return _back_to_detail(request, "review:detail", pk)
        messages.success(
            request, _("%(member)s approved: now with security.") % {"member": accreditation.member}
        )
        return _review_next(request, accreditation)
    return _review_page(request, accreditation, approve_form=form, status=400)


def _decide(request, pk, service, done_message):
    accreditation = _accreditation(pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            service(accreditation=accreditation, actor=request.user, reason=form.cleaned_data["reason"])
        except AccreditationError as error:
            messages.error(request, error.message)
            return _back_to_detail(request, "review:detail", pk)
        messages.success(request, done_message % {"member": accreditation.member})
        return _review_next(request, accreditation)
    return _review_page(request, accreditation, reason_form=form, status=400)


@any_perm_required(REVIEW)
@require_POST
def review_return(request, pk):
    return _decide(request, pk, services.accreditation_return, _("%(member)s returned to the delegation."))


@any_perm_required(REVIEW)
@require_POST
def review_reject(request, pk):
    return _decide(request, pk, services.accreditation_reject, _("%(member)s rejected."))


# --- security officers -----------------------------------------------------------------------


@any_perm_required(VET)
def gate_alerts(request):
    """Scans granted offline for a badge revoked before them: who went in, where, when."""
    page = page_of(request, selectors.scans_granted_while_void())
    return render(
        request,
        "accreditation/gate_alerts.html",
        {"page": page, "querystring": querystring_without_page(request)},
    )


@any_perm_required(VET)
def vetting_queue(request):
    form = QueueFilterForm(request.GET, statuses=sorted(VETTING_QUEUE))
    return _queue_page(request, "accreditation/vetting_queue.html", form, selectors.vetting_queue)


def _vetting_page(request, accreditation, *, form=None, status=200):
    return render(
        request,
        "accreditation/vetting.html",
        {
            "accreditation": accreditation,
            "member": accreditation.member,
            "form": form or VettingForm(),
            # What the workflow allows from here (the template shows only those buttons).
            "can_clear": can_move(accreditation.status, AccreditationStatus.CLEARED),
            "can_refuse": can_move(accreditation.status, AccreditationStatus.REFUSED),
            "queue_state": queue_state(request),
        },
        status=status,
    )


@any_perm_required(VET)
def vetting_detail(request, pk):
    accreditation = _accreditation(pk, selectors.accreditation_for_vetting)
    services.accreditation_record_vetting_view(accreditation=accreditation, actor=request.user)
    return _vetting_page(request, accreditation)


@any_perm_required(VET)
@require_POST
def vetting_decide(request, pk, decision):
    accreditation = _accreditation(pk, selectors.accreditation_for_vetting)
    form = VettingForm(request.POST)
    if form.is_valid():
        service = services.accreditation_clear if decision == "clear" else services.accreditation_refuse
        try:
            service(accreditation=accreditation, actor=request.user, note=form.cleaned_data["note"])
        except AccreditationError as error:
            form.add_error("note", error.message)
            return _vetting_page(request, accreditation, form=form, status=400)
        if decision == "clear":
            messages.success(request, _("%(member)s cleared.") % {"member": accreditation.member})
        else:
            messages.warning(request, _("%(member)s refused.") % {"member": accreditation.member})
        return after_decision(
            request,
            accreditation,
            queue_url="review:vetting-queue",
            detail_url="review:vetting-detail",
            selector=selectors.vetting_queue,
            order=selectors.VETTING_ORDER,
            statuses=sorted(VETTING_QUEUE),
        )
    return _vetting_page(request, accreditation, form=form, status=400)


# --- photos ----------------------------------------------------------------------------------


@any_perm_required(REVIEW, VET, PRINT, HAND_OVER)
def member_photo(request, member_pk):
    """A member's photo for staff screens: never cached, never a public URL."""
    member = get_object_or_404(
        Member.objects.only("id", "photo", "given_names", "family_name", "family_name_first"), pk=member_pk
    )
    if not member.photo:
        raise Http404
    user = request.user
    if not selectors.member_photo_visible(member_pk=member.pk, user=user):
        raise Http404
    if user.has_perm(VET):
        # Security's every look at a person is on the record, the photo included.
        services.member_record_photo_view(member=member, actor=request.user)
    return private_file_response(
        member.photo, content_type="image/jpeg", as_attachment=False, cache_control="no-store"
    )
