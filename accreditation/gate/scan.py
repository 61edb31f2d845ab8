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
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accreditation.badges import codes
from accreditation.models import (
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
from delegations.models import Delegation, Member
from hanoi_summit.core.clock import event_today
from hanoi_summit.core.errors import DomainError

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
    """The day a badge must be valid on: the event clock's (hanoi_summit.core.clock) date in Hanoi."""
    return event_today()


#: Role -> its (lazy) label. The badge's rule, pdf.function_label, asks the model's
#: get_role_display(), which rebuilds the choices' dict on each call: a gate pays that per scan.
_ROLE_LABELS = dict(Member._meta.get_field("role").flatchoices)


@dataclass(frozen=True, slots=True)
class ScannedBadge:
    """The badge a genuine code names, with what a gate decides on and shows: one flat row.

    Read by the scan's hand-written SELECT (columns in this order, see _SCAN_COLUMNS), or
    made from ORM objects (``of``) when a retried scan is answered again. Plain values, not
    five model instances: building those was a tenth of a scan's CPU.
    """

    pk: int
    number: int
    version: int
    zone_codes: str
    valid_from: dt.date
    valid_until: dt.date
    collected_at: dt.datetime | None
    revoked_at: dt.datetime | None
    status: str
    badge_name: str
    function: str
    role: str
    photo: str
    delegation_name: str
    delegation_acronym: str
    delegation_country: str
    delegation_kind: str
    category_code: str
    category_name: str
    category_colour: str
    category_text_colour: str
    has_newer: bool

    @classmethod
    def of(cls, badge, *, has_newer):
        member = badge.accreditation.member
        delegation, category = member.delegation, badge.category
        return cls(
            badge.pk,
            badge.number,
            badge.version,
            badge.zone_codes,
            badge.valid_from,
            badge.valid_until,
            badge.collected_at,
            badge.revoked_at,
            badge.accreditation.status,
            member.badge_name,
            member.function,
            member.role,
            member.photo.name or "",
            delegation.name,
            delegation.acronym,
            delegation.country.code or "",
            delegation.kind,
            category.code,
            category.name,
            category.colour,
            category.text_colour,
            has_newer,
        )


def _display(badge: ScannedBadge):
    from accreditation.badges.pdf import delegation_label_of

    return BadgeDisplay(
        badge_id=badge.pk,
        number=badge.number,
        version=badge.version,
        name=badge.badge_name,
        # Same result as pdf.function_label(member).
        function=badge.function or str(_ROLE_LABELS.get(badge.role, badge.role)),
        delegation=delegation_label_of(
            badge.delegation_name, badge.delegation_acronym, badge.delegation_country, badge.delegation_kind
        ),
        category_code=badge.category_code,
        category_name=badge.category_name,
        category_colour=badge.category_colour,
        category_text_colour=badge.category_text_colour,
        zones=tuple(badge.zone_codes.split()),
        photo_url=reverse("protocol:checkin-photo", args=[badge.pk]) if badge.photo else "",
    )


def _decide(badge: ScannedBadge, zone_code, today: dt.date):
    status = badge.status
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
    # isprintable() is False for every category C character (and a few more): the usual
    # scanned code passes that test at once and skips the per-character filter.
    text = (code if isinstance(code, str) else "")[:EXCERPT_LENGTH]
    if text.isprintable():
        return text
    return "".join(c for c in text if unicodedata.category(c)[0] != "C")


#: ScannedBadge's fields, in order, as (table alias, column); has_newer is computed last.
_SCAN_COLUMNS = (
    ("b", "id"),
    ("b", "number"),
    ("b", "version"),
    ("b", "zone_codes"),
    ("b", "valid_from"),
    ("b", "valid_until"),
    ("b", "collected_at"),
    ("b", "revoked_at"),
    ("a", "status"),
    ("m", "badge_name"),
    ("m", "function"),
    ("m", "role"),
    ("m", "photo"),
    ("d", "name"),
    ("d", "acronym"),
    ("d", "country"),
    ("d", "kind"),
    ("c", "code"),
    ("c", "name"),
    ("c", "colour"),
    ("c", "text_colour"),
)


def _scan_sql():
    badge, zone = Badge._meta.db_table, Zone._meta.db_table
    # Aliased, so the gate API can nest this SELECT in its token query (one round trip).
    columns = ", ".join(f"{alias}.{column} AS {alias}_{column}" for alias, column in _SCAN_COLUMNS)
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
#: PostgreSQL, for an INSERT that is its own transaction: the same, acknowledged before its
#: WAL record is flushed to disk. set_config(..., true) lasts for this statement's implicit
#: transaction only, and RETURNING runs before its commit, so the commit reads "off".
_INSERT_ASYNC_SQL = f"{_INSERT_SQL}, set_config('synchronous_commit', 'off', true)"

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
    badge: ScannedBadge | None


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
        fields = list(values[2 : 3 + len(_SCAN_COLUMNS)])
        fields[4], fields[5] = _to_date(fields[4]), _to_date(fields[5])
        fields[-1] = bool(fields[-1])
        badge = ScannedBadge(*fields)
    return ScanLookup(code, zone_code or "", signed, code_error, zone_id, zone_found, badge)


def scan_lookup(code, zone_code):
    signed, code_error, params = scan_lookup_params(code, zone_code)
    with connection.cursor() as cursor:
        execute_prepared(cursor, "hs_gate_scan", _SCAN_SQL, params)
        row = cursor.fetchone()
    return scan_lookup_from_row(code, zone_code, signed, code_error, row)


def _insert_scan(values, *, own_transaction):
    asynchronous = (
        own_transaction and connection.vendor == "postgresql" and not settings.CHECKIN_SYNCHRONOUS_COMMIT
    )
    with connection.cursor() as cursor:
        if asynchronous:
            execute_prepared(cursor, "hs_gate_scan_insert_async", _INSERT_ASYNC_SQL, values)
        else:
            execute_prepared(cursor, "hs_gate_scan_insert", _INSERT_SQL, values)
        return cursor.fetchone()[0]


def _replay(nonce, *, code, zone_code, direction):
    """The outcome of the scan first logged with ``nonce``, when this is its retry; None when
    the nonce is new. A nonce already used for another scan (a device whose counter started
    again) is refused: answering with that scan's outcome would judge the wrong person."""
    scan = (
        Scan.objects.select_related("zone", "badge__accreditation__member__delegation", "badge__category")
        .filter(nonce=nonce)
        .first()
    )
    if scan is None:
        return None
    if (scan.code_excerpt, scan.zone.code, scan.direction) != (_excerpt(code), zone_code or "", direction):
        raise CheckInError(
            _("This nonce was already used for another scan: send a new one."),
            code="nonce_reused",
            field="nonce",
        )
    return ScanOutcome(
        result=scan.result,
        reason=scan.reason,
        zone=scan.zone.code,
        direction=scan.direction,
        scan_id=scan.pk,
        # A replay shows the badge as it is now; whether it had a newer version does not show.
        badge=_display(ScannedBadge.of(scan.badge, has_newer=False)) if scan.badge else None,
        replayed=True,
    )


def badge_scan(
    *, code, zone_code, direction, officer=None, officer_id=None, device="", nonce=None, lookup=None
):
    """Judge one badge presented at a zone's gate, log it, and say what the gate shows.

    Checks, in order: the signature (forged / unknown), the badge (unknown), security's
    refusal (refused), revocation, a newer version or a revoked accreditation (revoked),
    hand-over at the desk (not_collected), today's date in Hanoi (not_valid_today), the
    zone (wrong_zone); else granted (ok).

    Side effects: one Scan row, granted or denied. A repeated non-empty ``nonce`` returns
    the first scan's outcome and logs nothing more (two racing requests: the unique index
    keeps one, the loser reads it back).
    Raises CheckInError for an unknown zone or direction; nothing is logged then.
    ``officer``: the user scanning, or only their id as ``officer_id`` (gate devices).
    ``lookup``: a ScanLookup already read for this code and zone (the gate API reads it
    with the token); read here when absent or made for another code or zone.
    """
    if direction not in Direction.values:
        raise CheckInError(_("Direction must be “in” or “out”."), code="bad_direction", field="direction")
    nonce = (nonce or "").strip()[:64] or None
    if nonce:
        replayed = _replay(nonce, code=code, zone_code=zone_code, direction=direction)
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
    if officer is not None and officer.is_authenticated:
        officer_id = officer.pk
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
            # Its commit is the caller's, as durable as the caller's other writes.
            with transaction.atomic():
                scan_id = _insert_scan(values, own_transaction=False)
        else:
            # One INSERT commits atomically on its own: no BEGIN/COMMIT round trips.
            scan_id = _insert_scan(values, own_transaction=True)
    except IntegrityError:
        replayed = _replay(nonce, code=code, zone_code=zone_code, direction=direction) if nonce else None
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
