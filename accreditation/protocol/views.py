"""Protocol's badge pages at /protocol/: the print queue, batches, reprints and the desk."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accreditation import selectors, services
from accreditation.forms import DeskSearchForm, HandOverForm, PrintFilterForm, PrintForm, ReasonForm
from accreditation.models import Accreditation, Badge, BadgeLayout, PrintBatch
from accreditation.permissions import CHECK_IN, HAND_OVER, PRINT, VIEW_SCAN
from accreditation.workflow import AccreditationError
from hanoi_summit.core.access import any_perm_required
from hanoi_summit.core.http import private_file_response
from hanoi_summit.core.pagination import page_of, querystring_without_page


@any_perm_required(PRINT, HAND_OVER, CHECK_IN, VIEW_SCAN)
def protocol_home(request):
    return render(request, "protocol/home.html")


@any_perm_required(PRINT)
def print_queue(request):
    form = PrintFilterForm(request.GET)
    page = page_of(request, selectors.print_queue(filters=form.filters()))
    return render(
        request,
        "protocol/print_queue.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
            "layouts": BadgeLayout.choices,
        },
    )


@any_perm_required(PRINT)
@require_POST
def print_batch_create(request):
    """Print the ticked rows, or with `all_matching` every row the queue's filters match."""
    all_matching = request.POST.get("all_matching") == "1"
    form = PrintForm(request.POST, queryset=selectors.print_queue())
    form.fields["accreditations"].required = not all_matching
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("protocol:print-queue")
    if all_matching:
        accreditations = list(selectors.print_queue(filters=PrintFilterForm(request.POST).filters()))
    else:
        accreditations = form.cleaned_data["accreditations"]
    try:
        batch = services.badge_print_accreditations(
            accreditations=accreditations, layout=form.cleaned_data["layout"], actor=request.user
        )
    except AccreditationError as error:
        messages.error(request, error.message)
        return redirect("protocol:print-queue")
    return redirect("protocol:batch", pk=batch.pk)


@any_perm_required(PRINT)
def batch_list(request):
    page = page_of(request, selectors.print_batches())
    context = {"page": page}
    if not page.object_list:
        # "No batch yet" must not read as "nothing printed" when badges were printed one by one.
        context["printed_outside_batches"] = selectors.badges_printed_outside_batches()
    return render(request, "protocol/batches.html", context)


@any_perm_required(PRINT)
def batch_detail(request, pk):
    batch = get_object_or_404(selectors.print_batches(), pk=pk)
    context = {"batch": batch, "may_render_again": services.badge_batch_may_render_again(batch)}
    return render(request, "protocol/batch.html", context)


@any_perm_required(PRINT)
def batch_status(request, pk):
    """The progress the batch page polls while a large batch renders."""
    batch = get_object_or_404(PrintBatch, pk=pk)
    return JsonResponse(
        {
            "status": batch.status,
            "rendered": batch.rendered,
            "total": batch.total,
            "download": reverse("protocol:batch-pdf", args=[batch.pk]) if batch.file else None,
        }
    )


@any_perm_required(PRINT)
def batch_pdf(request, pk):
    batch = get_object_or_404(PrintBatch, pk=pk)
    if batch.status != PrintBatch.Status.DONE or not batch.file:
        raise Http404
    return private_file_response(
        batch.file, content_type="application/pdf", filename=f"badges-{pk}.pdf", cache_control="no-store"
    )


@any_perm_required(PRINT)
@require_POST
def batch_render_again(request, pk):
    # Failed or stuck (the service's rule); anything else is left as it is, and the page shows it.
    batch = get_object_or_404(PrintBatch, pk=pk)
    services.badge_batch_render_again(batch=batch)
    return redirect("protocol:batch", pk=batch.pk)


@any_perm_required(HAND_OVER, PRINT)
def desk(request):
    form = DeskSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    people = selectors.desk_people(query=query)
    return render(
        request,
        "protocol/desk.html",
        {
            "form": form,
            "query": query,
            "people": people,
            "any_valid_badge": any(person.has_valid_badge for person in people),
            "hand_over_form": HandOverForm(),
            "reason_form": ReasonForm(),
            "can_print": request.user.has_perm(PRINT),
            "can_hand_over": request.user.has_perm(HAND_OVER),
        },
    )


def _back_to_desk(badge, query=""):
    return redirect(f"{reverse('protocol:desk')}?{urlencode({'q': query or badge.number})}")


#: The desk prints on its card printer: one badge, one card.
DESK_LAYOUT = BadgeLayout.CR80


@any_perm_required(PRINT)
@require_POST
def desk_print(request, pk):
    """Print the badge of the person at the counter: a batch of one (numbers are issued
    once, by the printing service, as for the print queue), its PDF for the desk's printer."""
    query = request.POST.get("q", "")[:100]
    try:
        accreditation = selectors.desk_printable(pk=pk)
    except Accreditation.DoesNotExist:
        messages.error(request, _("This person has no badge waiting to be printed."))
        return redirect(f"{reverse('protocol:desk')}?{urlencode({'q': query})}")
    try:
        batch = services.badge_print_accreditations(
            accreditations=[accreditation], layout=DESK_LAYOUT, actor=request.user
        )
    except AccreditationError as error:
        messages.error(request, error.message)
        return redirect(f"{reverse('protocol:desk')}?{urlencode({'q': query})}")
    badge = batch.badges.get()
    messages.success(
        request,
        _("Badge %(badge)s printed for %(member)s: open its PDF for the desk printer, then hand it over.")
        % {"badge": badge, "member": accreditation.member},
    )
    return _back_to_desk(badge, query)


@any_perm_required(HAND_OVER)
@require_POST
def badge_hand_over(request, pk):
    badge = get_object_or_404(Badge.objects.select_related("accreditation__member"), pk=pk)
    form = HandOverForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Type the number of the passport you were shown."))
        return _back_to_desk(badge, request.POST.get("q", "")[:100])
    try:
        services.badge_hand_over(
            badge=badge, actor=request.user, id_document_seen=form.cleaned_data["id_document_seen"]
        )
    except AccreditationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Badge %(badge)s handed over to %(member)s.")
            % {"badge": badge, "member": badge.accreditation.member},
        )
    return _back_to_desk(badge, request.POST.get("q", "")[:100])


@any_perm_required(PRINT)
@require_POST
def badge_reprint(request, pk):
    badge = get_object_or_404(Badge, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason for the reprint."))
        return _back_to_desk(badge, request.POST.get("q", "")[:100])
    try:
        new = services.badge_reprint(badge=badge, actor=request.user, reason=form.cleaned_data["reason"])
    except AccreditationError as error:
        messages.error(request, error.message)
        return _back_to_desk(badge, request.POST.get("q", "")[:100])
    messages.success(
        request,
        _("Badge %(old)s revoked; version %(version)d is in the print queue.")
        % {"old": badge, "version": new.version},
    )
    return redirect("protocol:print-queue")


@any_perm_required(PRINT)
@require_POST
def badge_revoke(request, pk):
    badge = get_object_or_404(Badge, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason."))
        return _back_to_desk(badge, request.POST.get("q", "")[:100])
    try:
        services.badge_revoke(badge=badge, actor=request.user, reason=form.cleaned_data["reason"])
    except AccreditationError as error:
        messages.error(request, error.message)
    else:
        messages.warning(request, _("Badge %(badge)s revoked.") % {"badge": badge})
    return redirect("protocol:desk")
