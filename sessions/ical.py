"""The programme as iCalendar (RFC 5545), for the public feed, personal agendas and the .ics
attached to booking confirmations. The `icalendar` library escapes and folds the lines.

Times are written with TZID=Asia/Ho_Chi_Minh and a VTIMEZONE block: Viet Nam has kept UTC+7
without daylight saving since 1975, so one STANDARD component describes it for any event.
"""

import datetime as dt

import icalendar

from hanoi_summit.core.clock import HANOI

TZID = HANOI.key
PRODID = "-//Hanoi Summit//Programme//EN"
UID_DOMAIN = "hanoi-summit"


def _vtimezone():
    standard = icalendar.TimezoneStandard()
    standard.add("dtstart", dt.datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", dt.timedelta(hours=7))
    standard.add("tzoffsetto", dt.timedelta(hours=7))
    standard.add("tzname", "ICT")
    timezone = icalendar.Timezone()
    timezone.add("tzid", TZID)
    timezone.add_component(standard)
    return timezone


def session_uid(session):
    return f"{session.uid}@{UID_DOMAIN}"


def session_event(session, *, stamp):
    """The VEVENT of one session (its room's venue must be loaded)."""
    event = icalendar.Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", session.starts_at.astimezone(HANOI))
    event.add("dtend", session.ends_at.astimezone(HANOI))
    event.add("summary", session.title)
    event.add("location", f"{session.room.name}, {session.room.venue.name}")
    event.add("categories", [session.get_kind_display()])
    description = "\n".join(part for part in (session.theme, session.description) if part)
    if description:
        event.add("description", description)
    if session.is_cancelled:
        event.add("status", "CANCELLED")
    return event


def calendar(sessions, *, name, stamp=None, method=None):
    """A whole VCALENDAR with one VEVENT per session, as a string with CRLF line ends."""
    stamp = stamp or dt.datetime.now(dt.UTC)
    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    # An X- property's default type is TEXT (RFC 5545, 3.8.8.2), so its commas and
    # semicolons are escaped; the library would otherwise write an unknown property raw.
    cal.add("x-wr-calname", icalendar.vText(name))
    cal.add("x-wr-timezone", TZID)
    cal.add_component(_vtimezone())
    for session in sessions:
        cal.add_component(session_event(session, stamp=stamp))
    return cal.to_ical(sorted=False).decode("utf-8")
