"""A small iCalendar (RFC 5545) writer: just what the programme and agendas need.

Lines are folded at 75 octets (never inside a UTF-8 sequence), text values escaped, times
written with TZID=Asia/Ho_Chi_Minh and a VTIMEZONE block (Viet Nam has kept UTC+7 without
daylight saving since 1975, so one STANDARD component describes it fully).
"""

import datetime as dt

from hanoi_summit.core.clock import HANOI

TZID = HANOI.key
PRODID = "-//Hanoi Summit//Programme//EN"
UID_DOMAIN = "hanoi-summit"

VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0700",
    "TZOFFSETTO:+0700",
    "TZNAME:ICT",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape_text(value):
    """TEXT escaping of RFC 5545 section 3.3.11."""
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line):
    """Split one content line into chunks of at most 75 octets, continuation lines led by a space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts = []
    limit = 75
    current = b""
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > limit:
            parts.append(current.decode("utf-8"))
            current = b""
            # Continuation lines begin with a space, which counts towards their 75 octets.
            limit = 74
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _local(value):
    return value.astimezone(HANOI).strftime("%Y%m%dT%H%M%S")


def _utc(value):
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def session_uid(session):
    return f"{session.uid}@{UID_DOMAIN}"


def session_event(session, *, stamp):
    """The VEVENT lines of one session (its room's venue must be loaded)."""
    location = f"{session.room.name}, {session.room.venue.name}"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{session_uid(session)}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART;TZID={TZID}:{_local(session.starts_at)}",
        f"DTEND;TZID={TZID}:{_local(session.ends_at)}",
        f"SUMMARY:{escape_text(session.title)}",
        f"LOCATION:{escape_text(location)}",
        f"CATEGORIES:{escape_text(session.get_kind_display())}",
    ]
    description = "\n".join(part for part in (session.theme, session.description) if part)
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    if session.is_cancelled:
        lines.append("STATUS:CANCELLED")
    lines.append("END:VEVENT")
    return lines


def calendar(sessions, *, name, stamp=None, method=None):
    """A whole VCALENDAR with one VEVENT per session, as a string with CRLF line ends."""
    stamp = stamp or dt.datetime.now(dt.UTC)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    if method:
        lines.append(f"METHOD:{method}")
    lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    lines.append(f"X-WR-TIMEZONE:{TZID}")
    lines.extend(VTIMEZONE)
    for session in sessions:
        lines.extend(session_event(session, stamp=stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
