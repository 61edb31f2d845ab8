"""Writes the reference data of `reference.py`: zones, categories, venue, rooms, programme.

Rows are found by stable keys (Zone.code, Category.code, Room (venue, name), Session.slug,
SessionRole (session, role, name)). A missing row is created. An existing row is left as
the secretariat keeps it: it is only counted when it differs from the shipped data, and
rewritten only with `reset=True`. So `make run`, which seeds on every start, never undoes an
edit made in the admin, and a re-run with nothing changed writes nothing.
"""

import datetime as dt
import functools
import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from accreditation.models import Category, SecondEntry, Zone
from accreditation.rules import CATEGORY_ZONES
from hanoi_summit.core.clock import HANOI
from hanoi_summit.seed import reference
from sessions.models import Room, Session, SessionRole, Venue

#: Namespace of the sessions' calendar UIDs: the same slug gives the same UID on every
#: machine, so a subscriber's calendar survives a fresh install.
SESSION_UID_NAMESPACE = uuid.UUID("6f1c1d9e-2b0a-4a53-9a43-7e3b8a1f0c25")


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    #: Rows kept as edited although they differ from the shipped data.
    kept: Counter = field(default_factory=Counter)

    def lines(self):
        out = []
        for label in sorted(set(self.created) | set(self.updated) | set(self.kept)):
            parts = [f"{self.created[label]} created"]
            if self.updated[label]:
                parts.append(f"{self.updated[label]} reset")
            if self.kept[label]:
                parts.append(f"{self.kept[label]} edited (kept)")
            out.append(f"{label}: {', '.join(parts)}")
        return out


@functools.cache
def local_time(day, hhmm):
    """An aware datetime for "HH:MM" on the ISO date `day`, in Hanoi time."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    return dt.datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=HANOI)


def session_uid(slug):
    return uuid.uuid5(SESSION_UID_NAMESPACE, slug)


def _upsert(report, label, model, lookup, values, *, reset, create_extra=None):
    """Create the row if missing; otherwise reset or count the fields that differ."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values, **(create_extra or {}))
        report.created[label] += 1
        return obj, True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        if reset:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save()
            report.updated[label] += 1
        else:
            report.kept[label] += 1
    return obj, False


def _load_zones(report, reset):
    zones = {}
    for order, row in enumerate(reference.ZONES, start=1):
        values = {
            "name": row["name"],
            "description": row["description"],
            "capacity": row["capacity"],
            "second_entry": row.get("second_entry", SecondEntry.DENY),
            "sort_order": order,
        }
        zones[row["code"]], _ = _upsert(report, "zones", Zone, {"code": row["code"]}, values, reset=reset)
    return zones


def _load_categories(report, reset, zones):
    for order, row in enumerate(reference.CATEGORIES, start=1):
        values = {
            "name": row["name"],
            "colour": row["colour"],
            "text_colour": row["text_colour"],
            "sort_order": order,
        }
        category, created = _upsert(
            report, "categories", Category, {"code": row["code"]}, values, reset=reset
        )
        wanted = {zones[code].pk for code in CATEGORY_ZONES[row["code"]]}
        if created or reset:
            category.default_zones.set(wanted)
        elif set(category.default_zones.values_list("pk", flat=True)) != wanted:
            report.kept["category zones"] += 1


def _load_rooms(report, reset, zones):
    venue, _ = _upsert(
        report,
        "venues",
        Venue,
        {"name": reference.VENUE["name"]},
        {"address": reference.VENUE["address"]},
        reset=reset,
    )
    rooms = {}
    for order, row in enumerate(reference.ROOMS, start=1):
        values = {"capacity": row["capacity"], "zone": zones[row["zone"]], "sort_order": order}
        rooms[row["name"]], _ = _upsert(
            report, "rooms", Room, {"venue": venue, "name": row["name"]}, values, reset=reset
        )
    return rooms


def _load_sessions(report, reset, rooms):
    sessions = {}
    for row in reference.all_sessions():
        values = {
            "kind": row["kind"],
            "title": row["title"],
            "theme": row.get("theme", ""),
            "description": row.get("description", ""),
            "starts_at": local_time(row["day"], row["start"]),
            "ends_at": local_time(row["day"], row["end"]),
            "room": rooms[row["room"]],
            "capacity": row.get("capacity"),
            "per_delegation_cap": row.get("cap"),
            "booking_mode": row.get("booking", "none"),
        }
        sessions[row["slug"]], _ = _upsert(
            report,
            "sessions",
            Session,
            {"slug": row["slug"]},
            values,
            reset=reset,
            create_extra={"uid": session_uid(row["slug"])},
        )
    for row in reference.SESSION_ROLES:
        _upsert(
            report,
            "session roles",
            SessionRole,
            {"session": sessions[row["session"]], "role": row["role"], "name": row["name"]},
            {"affiliation": row["affiliation"], "sort_order": row["order"]},
            reset=reset,
        )
    return sessions


@transaction.atomic
def load_reference(*, reset=False):
    """Create the missing reference rows; with `reset`, rewrite edited ones to the data.

    Side effects: writes zones, categories (and their default zones), the venue, rooms,
    sessions and the named guests' session roles. Sends nothing.
    """
    report = LoadReport()
    zones = _load_zones(report, reset)
    _load_categories(report, reset, zones)
    rooms = _load_rooms(report, reset, zones)
    _load_sessions(report, reset, rooms)
    return report
