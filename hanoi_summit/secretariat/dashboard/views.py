"""/dashboard/: the event at a glance for the secretariat, every figure a link to the admin
list behind it. The figures are read by dashboard.figures; this lays them out as charts."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from accreditation.models import AccreditationStatus
from accreditation.presentation import accreditation_tone
from accreditation.selectors import gate_alert_count, gate_devices_status, zone_occupancy
from delegations.models import STATE_KINDS, DelegationKind, DelegationStatus
from hanoi_summit.core.access import all_perms_required
from hanoi_summit.core.admin import tone_colour
from hanoi_summit.core.models import EmailStatus
from hanoi_summit.secretariat.dashboard import charts
from hanoi_summit.secretariat.dashboard import figures as dashboard
from hanoi_summit.secretariat.exports.specs import available_exports

#: The dashboard shows the whole event: the Secretariat role holds all of these.
DASHBOARD_PERMISSIONS = (
    "delegations.view_delegation",
    "accreditation.view_accreditation",
    "hanoi_summit.view_outgoingemail",
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
        "gate_alerts": gate_alert_count(),
        "gate_devices": gate_devices_status(),
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
        "exports": available_exports(request.user),
    }
    return render(request, "dashboard/index.html", context)
