"""The public programme: pages and the iCalendar feed. No login, public items only."""

import itertools

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hanoi_summit.core.clock import HANOI, event_now
from sessions import ical, selectors
from sessions.forms import ProgrammeFilterForm
from sessions.models import Session, SessionKind


def _group_by_day(sessions):
    def day(session):
        return timezone.localtime(session.starts_at, HANOI).date()

    return [(d, list(items)) for d, items in itertools.groupby(sessions, key=day)]


def _group_by_room(sessions):
    rooms = {}
    for session in sessions:
        rooms.setdefault(session.room, []).append(session)
    return sorted(rooms.items(), key=lambda item: (item[0].sort_order, item[0].name))


def _now_marker(sessions, *, now):
    """Where "now" falls in the programme shown, while the event's clock is inside it: each
    session running marked `is_now`, and the first one still to come (None after the last
    start). None outside the programme's hours."""
    if not sessions or not sessions[0].starts_at <= now <= max(s.ends_at for s in sessions):
        return None
    for session in sessions:
        session.is_now = session.starts_at <= now < session.ends_at
    upcoming = next((s for s in sessions if s.starts_at > now), None)
    return {"moment": now, "before": upcoming.slug if upcoming else None}


@require_GET
def programme_index(request):
    """The public programme by day, as a timetable or grouped by room, with filters."""
    rooms = selectors.public_rooms()
    form = ProgrammeFilterForm(request.GET or None, rooms=rooms)
    filters = form.cleaned_data if form.is_valid() else {}
    sessions = list(
        selectors.public_sessions(day=filters.get("day"), kind=filters.get("kind"), room=filters.get("room"))
    )
    by_room = request.GET.get("view") == "room"
    now_marker = _now_marker(sessions, now=event_now())
    days = [
        (day, _group_by_room(items) if by_room else None, items) for day, items in _group_by_day(sessions)
    ]
    query = request.GET.copy()
    query.pop("view", None)
    return render(
        request,
        "programme/index.html",
        {
            "form": form,
            "days": days,
            "by_room": by_room,
            "query": query.urlencode(),
            "count": len(sessions),
            "now_marker": now_marker,
            "filtered": bool(filters) and any(filters.values()),
        },
    )


@require_GET
def programme_ics(request):
    """Every public session as iCalendar, for calendar applications."""
    body = ical.calendar(selectors.public_sessions(), name=_("Hanoi Convention programme"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="hanoi-convention-programme.ics"'
    return response


@require_GET
def speakers_public(request, slug):
    """The plenary's speakers' list, as the public sees it: delegation and speaker only."""
    session = get_object_or_404(Session, slug=slug, kind=SessionKind.PLENARY, is_public=True)
    entries = list(selectors.speakers_list(session=session))
    return render(request, "programme/speakers.html", {"session": session, "entries": entries})


@require_GET
def speakers_index(request):
    sessions = list(selectors.public_plenary_sessions())
    return render(request, "programme/speakers_index.html", {"sessions": sessions})


@require_GET
def signatories_public(request):
    """The live "N signatories" page: reloads itself every 30 seconds during the ceremony."""
    signed = list(selectors.signed_signatures())
    return render(request, "programme/signatories.html", {"signed": signed, "count": len(signed)})
