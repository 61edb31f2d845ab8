"""The secretariat's pages under /dashboard/: the dashboard, exports, the List of
Participants, group e-mails and audit history. Thin: they check who asks, call a selector
or a service and render."""

from urllib.parse import urlencode

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accreditation.models import AccreditationStatus
from accreditation.presentation import accreditation_tone
from accreditation.selectors import zone_occupancy
from delegations.models import PASSPORT_FIELDS, STATE_KINDS, VIEW_PASSPORT, DelegationKind, DelegationStatus
from hanoi_summit.core.access import all_perms_required
from hanoi_summit.core.admin import tone_colour
from hanoi_summit.core.audit import audit_history
from hanoi_summit.core.models import EmailStatus
from hanoi_summit.secretariat import group_emails
from hanoi_summit.secretariat.dashboard import charts
from hanoi_summit.secretariat.dashboard import figures as dashboard
from hanoi_summit.secretariat.exports import specs as exports
from hanoi_summit.secretariat.forms import GroupEmailForm

#: The dashboard shows the whole event: the Secretariat role holds all of these.
DASHBOARD_PERMISSIONS = (
    "delegations.view_delegation",
    "accreditation.view_accreditation",
    "hanoi_summit.view_outgoingemail",
)
#: Writing to many people at once: the Secretariat's outbox rights and sight of the members.
GROUP_EMAIL_PERMISSIONS = (
    "hanoi_summit.change_outgoingemail",
    "delegations.view_delegation",
    "delegations.view_member",
)
#: Records whose history staff may read, as "app_label.model".
HISTORY_MODELS = (
    "delegations.delegation",
    "delegations.member",
    "accreditation.accreditation",
    "accreditation.badge",
    "programme.session",
    "programme.booking",
    "programme.signature",
)


def changelist_url(label, **params):
    """The admin list of model `label` ("app.model") filtered by `params`; None if unregistered."""
    app_label, model = label.split(".")
    try:
        url = reverse(f"admin:{app_label}_{model}_changelist")
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(params)}" if params else url


def format_age(age):
    """A waiting time as staff say it: "3 d 4 h", "5 h 12 min"."""
    if age is None:
        return "—"
    minutes = int(age.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}


def _delegation_chart(figures):
    series = [(status.value, status.label) for status in DelegationStatus]
    rows = []
    for kind in DelegationKind:
        counts = figures.by_kind.get(kind.value, {})
        if not sum(counts.values()):
            continue
        segments = [
            charts.Segment(
                key=status,
                label=label,
                value=counts.get(status, 0),
                url=changelist_url("delegations.delegation", kind__exact=kind.value, status__exact=status),
            )
            for status, label in series
        ]
        rows.append(charts.StackedRow(label=str(kind.label), segments=segments))
    if not rows:
        return ""
    return charts.stacked_chart(rows, series, title=_("Delegations by kind and status"))


def _funnel_charts(figures):
    stage_labels = {
        "submitted": _("Submitted"),
        "approved": _("Approved"),
        "cleared": _("Security cleared"),
        "printed": _("Badge printed"),
        "collected": _("Badge collected"),
    }
    stage_statuses = dict(dashboard.FUNNEL_STAGES)
    stages = [
        charts.Bar(
            label=stage_labels[name],
            value=value,
            url=changelist_url("accreditation.accreditation", status__in=",".join(stage_statuses[name])),
            colour=charts.PALETTE[0],
        )
        for name, value in figures.stages
    ]
    statuses = [
        charts.Bar(
            label=str(status.label),
            value=figures.by_status[status],
            url=changelist_url("accreditation.accreditation", status__exact=status.value),
            colour=tone_colour(accreditation_tone(status)),
        )
        for status in dashboard.FUNNEL_STATUSES
    ]
    return (
        charts.funnel_chart(stages, title=_("Accreditation funnel")),
        charts.bar_chart(statuses, title=_("Accreditations by status")),
        statuses,
    )


@all_perms_required(*DASHBOARD_PERMISSIONS)
def index(request):
    """The event at a glance; every figure links to the list behind it."""
    delegations = dashboard.delegation_figures()
    accreditations = dashboard.accreditation_figures()
    backlog = dashboard.vetting_backlog()
    bookings = dashboard.session_bookings()
    signatures = dashboard.signature_figures()
    zones = zone_occupancy()
    emails = dashboard.email_figures()

    funnel_svg, status_svg, status_bars = _funnel_charts(accreditations)
    booking_svg = charts.meter_chart(
        [
            charts.Bar(
                label=row.session.title,
                value=row.confirmed,
                total=row.seats,
                url=changelist_url(
                    "programme.booking", session__id__exact=row.session.pk, status__exact="confirmed"
                ),
                note=f"{row.confirmed} / {row.seats}" + (f" (+{row.waitlisted})" if row.waitlisted else ""),
            )
            for row in bookings
        ],
        title=_("Bookings against capacity"),
    )
    zone_svg = charts.meter_chart(
        [
            charts.Bar(
                label=row.zone.name,
                value=row.inside,
                total=row.zone.capacity,
                colour=charts.PALETTE[5],
                url=changelist_url(
                    "accreditation.scan", zone__id__exact=row.zone.pk, result__exact="granted"
                ),
            )
            for row in zones
        ],
        title=_("Inside each zone now"),
    )
    states = ",".join(kind.value for kind in STATE_KINDS)
    context = {
        "delegations": delegations,
        "delegation_svg": _delegation_chart(delegations),
        "funnel_svg": funnel_svg,
        "status_svg": status_svg,
        "status_bars": status_bars,
        "backlog": backlog,
        "backlog_oldest": format_age(backlog.oldest),
        "backlog_median": format_age(backlog.median),
        "booking_svg": booking_svg if bookings else "",
        "signatures": signatures,
        "zone_svg": zone_svg if zones else "",
        "inside_total": sum(z.inside for z in zones),
        "emails": emails,
        "links": {
            "delegations": changelist_url("delegations.delegation"),
            "countries": changelist_url(
                "delegations.delegation", kind__in=states, status__exact=DelegationStatus.CONFIRMED
            ),
            "backlog": changelist_url(
                "accreditation.accreditation", status__exact=AccreditationStatus.APPROVED
            ),
            "signed": changelist_url("programme.signature", signed="yes"),
            "queued": changelist_url("hanoi_summit.outgoingemail", status__exact=EmailStatus.QUEUED),
            "failed": changelist_url("hanoi_summit.outgoingemail", status__exact=EmailStatus.FAILED),
        },
        "exports": exports.available_exports(request.user),
    }
    return render(request, "dashboard/index.html", context)


def _export_permission_or_403(request, kind):
    spec = exports.EXPORTS.get(kind)
    if spec is None:
        raise Http404
    if not (request.user.is_staff and request.user.has_perm(spec.permission)):
        raise PermissionDenied
    return spec


@all_perms_required()
def export(request, kind, fmt):
    """/dashboard/exports/<kind>.<csv|xlsx>, filtered by the admin list's query string."""
    _export_permission_or_403(request, kind)
    if fmt not in exports.FORMATS:
        raise Http404
    try:
        return exports.export_response(kind=kind, fmt=fmt, user=request.user, params=request.GET)
    except exports.ExportFilterError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")


@all_perms_required("delegations.view_delegation", "delegations.view_member")
def participants_pdf(request):
    """The official List of Participants, as a PDF."""
    from hanoi_summit.secretariat import participants_pdf as participants

    response = HttpResponse(participants.participants_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="list-of-participants.pdf"'
    return response


@all_perms_required(*GROUP_EMAIL_PERMISSIONS)
def group_email(request):
    """Compose, preview (count and the first recipient's e-mail), then send through the outbox."""
    form = GroupEmailForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        selection = form.selection()
        recipients = group_emails.group_email_recipients(**selection)
        if not recipients:
            form.add_error(None, _("Nobody matches this selection."))
        elif request.POST.get("action") == "send":
            result = group_emails.group_email_send(
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                recipients=recipients,
            )
            messages.success(request, _sent_message(result))
            return redirect("dashboard:group_email")
        else:
            preview = group_emails.group_email_preview(
                subject=form.cleaned_data["subject"], body=form.cleaned_data["body"], recipients=recipients
            )
    return render(
        request,
        "dashboard/group_email.html",
        {"form": form, "preview": preview, "placeholders": group_emails.PLACEHOLDERS},
    )


def _sent_message(result):
    text = ngettext("%(queued)d e-mail queued.", "%(queued)d e-mails queued.", result.queued) % {
        "queued": result.queued
    }
    if result.skipped:
        text += " " + ngettext(
            "%(skipped)d recipient already had this message.",
            "%(skipped)d recipients already had this message.",
            result.skipped,
        ) % {"skipped": result.skipped}
    return text


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
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    if obj is None and not page.object_list:
        raise Http404
    show_passport = request.user.has_perm(VIEW_PASSPORT)
    rows = [{"entry": entry, "changes": _changes(entry, show_passport)} for entry in page.object_list]
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


def _changes(entry, show_passport):
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
