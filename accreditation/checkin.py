"""Check-in at a gate: one entry point for the gate page and scanner devices.

`badge_scan` verifies the code's signature, finds the badge, decides, and logs the scan.
A scan costs two queries: one hand-written SELECT (the zone, and the badge with its
accreditation, person, delegation, category and "is there a newer version" in one join) and
one INSERT of the Scan row, which commits on its own (the only write, so no transaction is
opened around it). Both are plain SQL on a cursor: building them with the ORM cost more CPU
(compiling select_related joins and the Exists subquery) than the round trips themselves,
and every gate scan pays for them. The SQL is portable (PostgreSQL and SQLite).
"""

import datetime as dt
import unicodedata
import weakref
import zoneinfo
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delegations.models import Delegation, Member
from hanoi_summit.errors import DomainError

from . import codes
from .models import (
    Accreditation,
    AccreditationStatus,
    Badge,
    Category,
    Direction,
    Scan,
    ScanReason,
    ScanResult,
    Zone,
)

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
EXCERPT_LENGTH = 40

#: What the gate officer reads when a scan is denied, in plain words.
EXPLANATIONS = {
    ScanReason.OK: _("Valid badge: let them in."),
    ScanReason.UNKNOWN: _("This is not a badge of this event. Check the person's identity."),
    ScanReason.FORGED: _("Forged code: the signature is not ours. Call security."),
    ScanReason.REVOKED: _("This badge was revoked or replaced by a newer print. Keep it and call security."),
    ScanReason.WRONG_ZONE: _("This badge does not give access to this zone."),
    ScanReason.NOT_COLLECTED: _("This badge was never handed over at the badge desk. Call security."),
    ScanReason.NOT_VALID_TODAY: _("This badge is not valid today."),
    ScanReason.REFUSED: _("This person was refused by security. Call security."),
}


class CheckInError(DomainError):
    """A scan that cannot be judged at all (unknown zone, bad direction): nothing is logged."""

    default_code = "checkin_error"


@dataclass(frozen=True)
class BadgeDisplay:
    """What the gate shows about the person on a genuine badge."""

    badge_id: int
    number: int
    version: int
    name: str
    function: str
    delegation: str
    category_code: str
    category_name: str
    category_colour: str
    category_text_colour: str
    zones: tuple[str, ...]
    photo_url: str


@dataclass(frozen=True)
class ScanOutcome:
    result: str
    reason: str
    zone: str
    direction: str
    scan_id: int
    badge: BadgeDisplay | None = None
    #: True when a retried scan's nonce matched: this is the first scan's outcome.
    replayed: bool = False

    @property
    def granted(self):
        return self.result == ScanResult.GRANTED

    @property
    def explanation(self):
        return str(EXPLANATIONS[self.reason])

    @property
    def reason_label(self):
        return str(ScanReason(self.reason).label)


def today_in_hanoi():
    return timezone.now().astimezone(HANOI).date()


#: Role -> its (lazy) label. The badge's rule, pdf.function_label, asks the model's
#: get_role_display(), which rebuilds the choices' dict on each call: a gate pays that per scan.
_ROLE_LABELS = dict(Member._meta.get_field("role").flatchoices)


def _function_label(member):
    # Same result as pdf.function_label(member).
    return member.function or str(_ROLE_LABELS.get(member.role, member.role))


def _display(badge):
    from .pdf import delegation_label

    member = badge.accreditation.member
    category = badge.category
    return BadgeDisplay(
        badge_id=badge.pk,
        number=badge.number,
        version=badge.version,
        name=member.badge_name,
        function=_function_label(member),
        delegation=delegation_label(member.delegation),
        category_code=category.code,
        category_name=category.name,
        category_colour=category.colour,
        category_text_colour=category.text_colour,
        zones=tuple(badge.zone_codes.split()),
        photo_url=reverse("protocol:checkin-photo", args=[badge.pk]) if member.photo else "",
    )


def _decide(badge, zone_code, today: dt.date):
    status = badge.accreditation.status
    if status == AccreditationStatus.REFUSED:
        return ScanReason.REFUSED
    if badge.revoked_at is not None or badge.has_newer or status == AccreditationStatus.REVOKED:
        return ScanReason.REVOKED
    if badge.collected_at is None:
        return ScanReason.NOT_COLLECTED
    if not badge.valid_from <= today <= badge.valid_until:
        return ScanReason.NOT_VALID_TODAY
    if zone_code not in badge.zone_codes.split():
        return ScanReason.WRONG_ZONE
    return ScanReason.OK


def _excerpt(code):
    # Keep printable characters only: a NUL byte is refused by PostgreSQL text columns.
    text = code if isinstance(code, str) else ""
    return "".join(c for c in text[:EXCERPT_LENGTH] if unicodedata.category(c)[0] != "C")


#: The columns a decision and the gate's display need, per model; a scan reads nothing else.
_SCAN_COLUMNS = (
    (
        Badge,
        ("id", "number", "version", "zone_codes", "valid_from", "valid_until", "collected_at", "revoked_at"),
    ),
    (Accreditation, ("id", "status")),
    (Member, ("id", "badge_name", "function", "role", "photo")),
    (Delegation, ("id", "name", "acronym", "country", "kind")),
    (Category, ("id", "code", "name", "colour", "text_colour")),
)
_ALIASES = {Badge: "b", Accreditation: "a", Member: "m", Delegation: "d", Category: "c"}


def _loaded(model, names):
    """The model's columns among ``names``, in its field order (what Model.from_db expects)."""
    return [f.attname for f in model._meta.concrete_fields if f.attname in names]


def _scan_sql():
    badge, zone = Badge._meta.db_table, Zone._meta.db_table
    # Aliased, so the gate API can nest this SELECT in its token query (one round trip).
    columns = ", ".join(
        f"{_ALIASES[model]}.{column} AS {_ALIASES[model]}_{column}"
        for model, names in _SCAN_COLUMNS
        for column in _loaded(model, names)
    )
    # The zone is always found (or there is no row); the badge side is NULL when the code's
    # (number, version) is unknown or the signature failed (number NULL matches nothing).
    # The "newer version" probe and the badge itself use the unique (number, version) index.
    return (
        f"SELECT z.id AS z_id, z.code AS z_code, {columns}, "
        f"EXISTS (SELECT 1 FROM {badge} n WHERE n.number = b.number AND n.version > b.version) AS b_has_newer "
        f"FROM {zone} z "
        f"LEFT JOIN {badge} b ON b.number = %s AND b.version = %s "
        f"LEFT JOIN {Accreditation._meta.db_table} a ON a.id = b.accreditation_id "
        f"LEFT JOIN {Member._meta.db_table} m ON m.id = a.member_id "
        f"LEFT JOIN {Delegation._meta.db_table} d ON d.id = m.delegation_id "
        f"LEFT JOIN {Category._meta.db_table} c ON c.id = b.category_id "
        f"WHERE z.code = %s"
    )


def _insert_sql():
    names = ("badge_id", "zone_id", "direction", "result", "reason", "code_excerpt", "officer_id", "device")
    names += ("nonce", "scanned_at")
    placeholders = ", ".join(["%s"] * len(names))
    # RETURNING: PostgreSQL, and SQLite since 3.35.
    return f"INSERT INTO {Scan._meta.db_table} ({', '.join(names)}) VALUES ({placeholders}) RETURNING id"


_SCAN_SQL = _scan_sql()
_INSERT_SQL = _insert_sql()
#: (model, its loaded columns) in the order of _SCAN_SQL's columns.
_SCAN_MODELS = tuple((model, _loaded(model, names)) for model, names in _SCAN_COLUMNS)

#: PostgreSQL connection -> names of the statements prepared on it.
_PREPARED = weakref.WeakKeyDictionary()


def execute_prepared(cursor, name, sql, params):
    """Run ``sql`` (%s placeholders) with ``params``; on PostgreSQL as a prepared statement.

    Planning the scan's six-table join took longer on the server than running it (0.66 vs
    0.24 ms): a statement prepared once per connection is planned once (or a few times,
    until PostgreSQL settles on a generic plan). The PREPARE goes through the raw
    connection, so it is not counted as one of the request's queries; prepared statements
    live as long as the session and survive rollbacks. Not for a transaction-pooling
    PgBouncer in front of PostgreSQL (statements would land on other server sessions).
    SQLite caches its compiled statements by itself.
    """
    if connection.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    raw = connection.connection
    prepared = _PREPARED.setdefault(raw, set())
    if name not in prepared:
        numbered = sql.split("%s")
        text = "".join(
            part + (f"${i + 1}" if i < len(numbered) - 1 else "") for i, part in enumerate(numbered)
        )
        with raw.cursor() as setup:
            setup.execute(f"PREPARE {name} AS {text}")
        prepared.add(name)
    cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)


def _to_date(value):
    # SQLite hands back text when a column's declared type is lost in a join.
    return value if isinstance(value, dt.date) or value is None else dt.date.fromisoformat(str(value)[:10])


#: Number of columns of SCAN_LOOKUP_SQL's rows.
SCAN_LOOKUP_WIDTH = 2 + sum(len(fields) for _model, fields in _SCAN_MODELS) + 1
#: The zone and badge lookup of a scan, with %s for the badge number, version and zone code.
SCAN_LOOKUP_SQL = _SCAN_SQL


@dataclass(frozen=True)
class ScanLookup:
    """What a scan reads before it decides: the code's signature and the zone and badge rows.

    Made by ``scan_lookup`` here, or by the gate API together with the token (one round trip
    for both); ``badge_scan`` uses it only for the same code and zone.
    """

    code: object
    zone_asked: str
    signed: codes.BadgeCode | None
    code_error: str | None
    zone_id: int | None
    zone_code: str | None
    badge: Badge | None


def scan_lookup_params(code, zone_code):
    """(signed code or None, its error reason or None, the parameters of SCAN_LOOKUP_SQL)."""
    try:
        signed = codes.decode(code)
    except codes.CodeError as error:
        return None, ScanReason(error.code), [None, None, zone_code or ""]
    return signed, None, [signed.number, signed.version, zone_code or ""]


def scan_lookup_from_row(code, zone_code, signed, code_error, values):
    """The ScanLookup of one SCAN_LOOKUP_SQL row (None or all NULL: no such zone)."""
    zone_id, zone_found = (values[0], values[1]) if values else (None, None)
    badge = None
    if zone_id is not None and values[2] is not None:
        instances, at = {}, 2
        for model, fields in _SCAN_MODELS:
            instances[model] = model.from_db(connection.alias, fields, values[at : at + len(fields)])
            at += len(fields)
        badge = instances[Badge]
        badge.valid_from, badge.valid_until = _to_date(badge.valid_from), _to_date(badge.valid_until)
        member = instances[Member]
        member.delegation = instances[Delegation]
        accreditation = instances[Accreditation]
        accreditation.member = member
        badge.accreditation = accreditation
        badge.category = instances[Category]
        badge.has_newer = bool(values[at])
    return ScanLookup(code, zone_code or "", signed, code_error, zone_id, zone_found, badge)


def scan_lookup(code, zone_code):
    signed, code_error, params = scan_lookup_params(code, zone_code)
    with connection.cursor() as cursor:
        execute_prepared(cursor, "hs_gate_scan", _SCAN_SQL, params)
        row = cursor.fetchone()
    return scan_lookup_from_row(code, zone_code, signed, code_error, row)


def _insert_scan(values):
    with connection.cursor() as cursor:
        execute_prepared(cursor, "hs_gate_scan_insert", _INSERT_SQL, values)
        return cursor.fetchone()[0]


def _replay(nonce):
    scan = (
        Scan.objects.select_related("zone", "badge__accreditation__member__delegation", "badge__category")
        .filter(nonce=nonce)
        .first()
    )
    if scan is None:
        return None
    return ScanOutcome(
        result=scan.result,
        reason=scan.reason,
        zone=scan.zone.code,
        direction=scan.direction,
        scan_id=scan.pk,
        badge=_display(scan.badge) if scan.badge else None,
        replayed=True,
    )


def badge_scan(*, code, zone_code, direction, officer=None, device="", nonce=None, lookup=None):
    """Judge one badge presented at a zone's gate, log it, and say what the gate shows.

    Checks, in order: the signature (forged / unknown), the badge (unknown), security's
    refusal (refused), revocation, a newer version or a revoked accreditation (revoked),
    hand-over at the desk (not_collected), today's date in Hanoi (not_valid_today), the
    zone (wrong_zone); else granted (ok).

    Side effects: one Scan row, granted or denied. A repeated non-empty ``nonce`` returns
    the first scan's outcome and logs nothing more (two racing requests: the unique index
    keeps one, the loser reads it back).
    Raises CheckInError for an unknown zone or direction; nothing is logged then.
    ``lookup``: a ScanLookup already read for this code and zone (the gate API reads it
    with the token); read here when absent or made for another code or zone.
    """
    if direction not in Direction.values:
        raise CheckInError(_("Direction must be “in” or “out”."), code="bad_direction", field="direction")
    nonce = (nonce or "").strip()[:64] or None
    if nonce:
        replayed = _replay(nonce)
        if replayed:
            return replayed
    if lookup is None or lookup.code != code or lookup.zone_asked != (zone_code or ""):
        lookup = scan_lookup(code, zone_code)
    if lookup.zone_id is None:
        raise CheckInError(_("There is no zone with this code."), code="unknown_zone", field="zone")
    badge, zone_code = lookup.badge, lookup.zone_code
    if lookup.signed is None:
        reason = lookup.code_error
    else:
        reason = ScanReason.UNKNOWN if badge is None else _decide(badge, zone_code, today_in_hanoi())

    result = ScanResult.GRANTED if reason == ScanReason.OK else ScanResult.DENIED
    officer_id = officer.pk if officer is not None and officer.is_authenticated else None
    values = [
        badge.pk if badge else None,
        lookup.zone_id,
        direction,
        result,
        reason,
        _excerpt(code),
        officer_id,
        (device or "")[:60],
        nonce,
        connection.ops.adapt_datetimefield_value(timezone.now()),
    ]
    try:
        if transaction.get_connection().in_atomic_block:
            # Inside a caller's transaction a failed insert must not poison it: savepoint.
            with transaction.atomic():
                scan_id = _insert_scan(values)
        else:
            # One INSERT commits atomically on its own: no BEGIN/COMMIT round trips.
            scan_id = _insert_scan(values)
    except IntegrityError:
        replayed = _replay(nonce) if nonce else None
        if replayed is None:
            raise
        return replayed
    return ScanOutcome(
        result=result,
        reason=reason,
        zone=zone_code,
        direction=direction,
        scan_id=scan_id,
        badge=_display(badge) if badge else None,
    )
