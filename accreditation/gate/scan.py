"""Check-in at a gate: judge one scanned badge, log the scan, say what the gate shows.

One decision for the gate page, the check-in API and the device fast path: ``badge_scan``
reads what it decides on (lookup.scan_lookup), ``judge`` is given it (a device reads it with
its token). Both decide (``decide``) and record the scan: one INSERT that commits on its
own, the only write, so no transaction is opened around it.
"""

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accreditation.badges.short import looks_short
from accreditation.gate.lookup import ScannedBadge, scan_lookup, short_lookup
from accreditation.models import (
    AccreditationStatus,
    Badge,
    Direction,
    Scan,
    ScanReason,
    ScanResult,
    SecondEntry,
    badge_is_void,
)
from delegations.models import delegation_label_of, function_label_of
from hanoi_summit.core.audit import audit_record
from hanoi_summit.core.clock import event_today
from hanoi_summit.core.db import execute_prepared
from hanoi_summit.core.errors import DomainError
from hanoi_summit.core.models import AuditEntry

#: The audit action of a hit of the gate's search (gate/search.py), which opens its photo.
SEARCH_ACTION = "badge.gate_search"
#: How much of a presented code the log keeps, for investigating unknown and forged scans.
EXCERPT_LENGTH = 40
#: What a device may send to be logged, no longer than the log's columns.
NONCE_LENGTH = Scan._meta.get_field("nonce").max_length
DEVICE_LENGTH = Scan._meta.get_field("device").max_length

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
    ScanReason.ALREADY_INSIDE: _("This badge is already inside this zone: it has not gone out since."),
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
    #: "already_inside" when granted in a zone that warns of a second entry.
    warning: str | None = None

    @property
    def granted(self):
        return self.result == ScanResult.GRANTED

    @property
    def explanation(self):
        if self.warning:
            return str(EXPLANATIONS[self.warning])
        return str(EXPLANATIONS[self.reason])

    @property
    def reason_label(self):
        return str(ScanReason(self.reason).label)


def today_in_hanoi():
    """The day a badge must be valid on: the event clock's (hanoi_summit.core.clock) date in Hanoi."""
    return event_today()


def _display(badge: ScannedBadge):
    return BadgeDisplay(
        badge_id=badge.pk,
        number=badge.number,
        version=badge.version,
        name=badge.badge_name,
        function=function_label_of(badge.function, badge.role),
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


@dataclass(frozen=True)
class Verdict:
    """What the rules say of one scan: the result, the reason, and a warning for the officer
    (a second entry in a zone that warns). ``logged_reason`` is the reason the log keeps: a
    warned second entry is granted, logged as already_inside, so it does not count twice."""

    result: str
    reason: str
    warning: str | None = None

    @property
    def logged_reason(self):
        return ScanReason.ALREADY_INSIDE if self.warning else self.reason


def _badge_reason(badge: ScannedBadge, zone_code, today: dt.date):
    status = badge.status
    if badge.has_newer:
        return ScanReason.REVOKED
    if status == AccreditationStatus.REFUSED:
        # Void too (badge_is_void), but the officer is told why: security refused them.
        return ScanReason.REFUSED
    if badge_is_void(revoked_at=badge.revoked_at, has_newer=False, accreditation_status=status):
        return ScanReason.REVOKED
    if badge.collected_at is None:
        return ScanReason.NOT_COLLECTED
    if not badge.valid_from <= today <= badge.valid_until:
        return ScanReason.NOT_VALID_TODAY
    if zone_code not in badge.zone_codes.split():
        return ScanReason.WRONG_ZONE
    return ScanReason.OK


def decide(badge: ScannedBadge, zone_code, direction, today: dt.date, second_entry=SecondEntry.DENY):
    """The Verdict on a genuine code's badge (None: unknown number). The rule table that gate
    devices apply offline too (docs/gate-api.md; tests/accreditation/gate/vectors.json):
    revoked (a newer print exists) -> refused -> revoked -> not_collected -> not_valid_today
    -> wrong_zone -> already_inside ("in" while the last granted scan here today was "in",
    per the zone's second-entry rule) -> ok."""
    if badge is None:
        return Verdict(ScanResult.DENIED, ScanReason.UNKNOWN)
    reason = _badge_reason(badge, zone_code, today)
    if reason != ScanReason.OK:
        return Verdict(ScanResult.DENIED, reason)
    if direction == Direction.IN and badge.last_direction == Direction.IN:
        if second_entry == SecondEntry.DENY:
            return Verdict(ScanResult.DENIED, ScanReason.ALREADY_INSIDE)
        if second_entry == SecondEntry.WARN:
            return Verdict(ScanResult.GRANTED, ScanReason.OK, warning=ScanReason.ALREADY_INSIDE)
    return Verdict(ScanResult.GRANTED, ScanReason.OK)


def code_excerpt_of(code):
    # Keep printable characters only: a NUL byte is refused by PostgreSQL text columns.
    # isprintable() is False for every category C character (and a few more): the usual
    # scanned code passes that test at once and skips the per-character filter.
    text = (code if isinstance(code, str) else "")[:EXCERPT_LENGTH]
    if text.isprintable():
        return text
    return "".join(c for c in text if unicodedata.category(c)[0] != "C")


def code_digest_of(code):
    """SHA-256 (hex) of the whole presented code, as Scan.code_digest keeps it."""
    text = code if isinstance(code, str) else ""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _insert_sql():
    names = ("badge_id", "zone_id", "direction", "result", "reason", "code_excerpt", "code_digest")
    names += ("officer_id", "device", "nonce", "scanned_at")
    placeholders = ", ".join(["%s"] * len(names))
    # RETURNING: PostgreSQL, and SQLite since 3.35.
    return f"INSERT INTO {Scan._meta.db_table} ({', '.join(names)}) VALUES ({placeholders}) RETURNING id"


_INSERT_SQL = _insert_sql()
#: The same INSERT with an asynchronous commit: see _record.
_INSERT_ASYNC_SQL = f"{_INSERT_SQL}, set_config('synchronous_commit', 'off', true)"


def _record(values):
    """Log one scan and return its id.

    Alone (no caller's transaction), the INSERT is its own transaction: no BEGIN and COMMIT
    round trips. It commits durably by default: a gate's verdict is given for a scan that is
    on disk, so a server crash loses no answered scan. With settings.CHECKIN_SYNCHRONOUS_COMMIT
    off, PostgreSQL commits it asynchronously instead: acknowledged before its WAL record
    reaches the disk, so a gate never waits for a flush. The price: if the database server
    crashes, the scans of its last second may be missing from the log although the gates
    answered them (nothing else is lost, and the database stays consistent).
    set_config(..., true) lasts for the statement's own transaction only, and RETURNING runs
    before its commit, so that commit, and no other, reads "off".

    Inside a caller's transaction the INSERT takes a savepoint, so that a failed insert does
    not poison that transaction, and commits with it, as durably as its other writes.
    """
    if transaction.get_connection().in_atomic_block:
        with transaction.atomic(), connection.cursor() as cursor:
            execute_prepared(cursor, "hs_gate_scan_insert", _INSERT_SQL, values)
            return cursor.fetchone()[0]
    asynchronous = connection.vendor == "postgresql" and not settings.CHECKIN_SYNCHRONOUS_COMMIT
    with connection.cursor() as cursor:
        if asynchronous:
            execute_prepared(cursor, "hs_gate_scan_insert_async", _INSERT_ASYNC_SQL, values)
        else:
            execute_prepared(cursor, "hs_gate_scan_insert", _INSERT_SQL, values)
        return cursor.fetchone()[0]


def _replay(nonce, *, code, zone_code, direction, officer_id):
    """The outcome of the scan first logged with ``nonce``, when this is its retry; None when
    the nonce is new. A retry is the same whole code (its digest: a code sharing only the
    logged excerpt may carry a broken signature), zone, direction and account. Anything else
    (a device whose counter started again, another account, a forged code) is refused:
    answering with that scan's outcome would judge another scan."""
    scan = (
        Scan.objects.select_related("zone", "badge__accreditation__member__delegation", "badge__category")
        .filter(nonce=nonce)
        .first()
    )
    if scan is None:
        return None
    asked = (code_digest_of(code), zone_code or "", direction, officer_id)
    if (scan.code_digest, scan.zone.code, scan.direction, scan.officer_id) != asked:
        raise CheckInError(
            _("This nonce was already used for another scan: send a new one."),
            code="nonce_reused",
            field="nonce",
        )
    warned = scan.result == ScanResult.GRANTED and scan.reason == ScanReason.ALREADY_INSIDE
    return ScanOutcome(
        result=scan.result,
        reason=ScanReason.OK if warned else scan.reason,
        warning=ScanReason.ALREADY_INSIDE if warned else None,
        zone=scan.zone.code,
        direction=scan.direction,
        scan_id=scan.pk,
        # A replay shows the badge as it is now; whether it had a newer version does not show.
        badge=_display(ScannedBadge.of(scan.badge, has_newer=False)) if scan.badge else None,
        replayed=True,
    )


def badge_scan(*, code=None, zone_code, direction, actor=None, device="", nonce=None, short=None):
    """Judge one badge presented at a zone's gate, log it, and say what the gate shows: the
    gate page's and CheckInView's scan, which reads the zone and badge itself.

    Checks, in order: the signature (forged / unknown), the badge (unknown), security's
    refusal (refused), a void badge: revoked, replaced by a newer print or of a revoked
    accreditation (revoked), hand-over at the desk (not_collected), today's date in Hanoi
    (not_valid_today), the zone (wrong_zone); else granted (ok).

    Side effects: one Scan row, granted or denied. A repeated non-empty ``nonce`` with the
    same whole code, zone, direction and account returns the first scan's outcome and logs
    nothing more (any other reuse is refused: nonce_reused). It is looked for before the
    read, so a retry costs one query (two racing requests: the unique index keeps one, the
    loser reads it back). Raises CheckInError for an unknown zone or direction; nothing is logged then.
    ``actor``: the user scanning. ``short``: a short number typed instead of a code (the
    newest print of its number; badges.short.ShortNumberError, nothing logged, for a wrong
    check character).
    """
    nonce = _checked(direction, nonce)
    officer_id = actor.pk if actor is not None and actor.is_authenticated else None
    typed = short or None
    if typed is None and looks_short(code):
        # A short number typed where the code goes (a gate's one text field).
        typed, code = code, None
    if nonce:
        replayed = _replay(
            nonce, code=typed or code, zone_code=zone_code, direction=direction, officer_id=officer_id
        )
        if replayed:
            return replayed
    lookup = short_lookup(typed, zone_code) if typed else scan_lookup(code, zone_code)
    return _judge(lookup, direction, officer_id, device, nonce)


def judge(lookup, *, direction, officer_id, device="", nonce=None):
    """badge_scan of a code whose zone and badge were read already (``lookup``: a device's,
    read with its token by lookup.gate_account_and_scan); ``officer_id``: who scans."""
    nonce = _checked(direction, nonce)
    if nonce:
        replayed = _replay(
            nonce, code=lookup.code, zone_code=lookup.zone_asked, direction=direction, officer_id=officer_id
        )
        if replayed:
            return replayed
    return _judge(lookup, direction, officer_id, device, nonce)


def _checked(direction, nonce):
    """The nonce as logged (None for none); CheckInError for an unknown direction."""
    if direction not in Direction.values:
        raise CheckInError(_("Direction must be “in” or “out”."), code="bad_direction", field="direction")
    return (nonce or "").strip()[:NONCE_LENGTH] or None


def _judge(lookup, direction, officer_id, device, nonce):
    if lookup.zone_id is None:
        raise CheckInError(_("There is no zone with this code."), code="unknown_zone", field="zone")
    badge, zone_code = lookup.badge, lookup.zone_code
    if lookup.signed is None:
        verdict = Verdict(ScanResult.DENIED, lookup.code_error)
    else:
        verdict = decide(badge, zone_code, direction, today_in_hanoi(), lookup.zone_second_entry)
    values = [
        badge.pk if badge else None,
        lookup.zone_id,
        direction,
        verdict.result,
        verdict.logged_reason,
        code_excerpt_of(lookup.code),
        code_digest_of(lookup.code),
        officer_id,
        (device or "")[:DEVICE_LENGTH],
        nonce,
        connection.ops.adapt_datetimefield_value(timezone.now()),
    ]
    try:
        scan_id = _record(values)
    except IntegrityError:
        # Another request logged this nonce between _replay's look and this insert.
        replayed = (
            _replay(
                nonce,
                code=lookup.code,
                zone_code=lookup.zone_asked,
                direction=direction,
                officer_id=officer_id,
            )
            if nonce
            else None
        )
        if replayed is None:
            raise
        return replayed
    return ScanOutcome(
        result=verdict.result,
        reason=verdict.reason,
        warning=verdict.warning,
        zone=zone_code,
        direction=direction,
        scan_id=scan_id,
        badge=_display(badge) if badge else None,
    )


def gate_photo_of(*, badge_pk, actor, device=""):
    """The photo (a FieldFile) of the holder of a badge that ``actor`` scanned (or found by
    the gate's search) in the last settings.GATE_PHOTO_WINDOW_SECONDS, its look written to the audit trail; None for a badge
    this account (or registered ``device``) did not scan lately, or whose holder has no photo. A gate needs the face of
    the person in front of it, not the photos of everyone accredited."""
    since = timezone.now() - dt.timedelta(seconds=settings.GATE_PHOTO_WINDOW_SECONDS)
    scanned = Scan.objects.filter(badge_id=badge_pk, scanned_at__gte=since)
    # Or found by this account's search at the gate (gate/search.py audits each hit).
    searched = AuditEntry.objects.filter(
        action=SEARCH_ACTION,
        target_type=Badge._meta.label_lower,
        target_id=str(badge_pk),
        created_at__gte=since,
    )
    if device:
        # A registered device (``device``: its name) has no account: its scans and searches
        # carry its name.
        scanned = scanned.filter(device=device, officer_id__isnull=True)
        searched = searched.filter(actor__isnull=True, after__device=device)
    else:
        scanned = scanned.filter(officer_id=actor.pk)
        searched = searched.filter(actor_id=actor.pk)
    badge = (
        Badge.objects.select_related("accreditation__member")
        .filter(Q(pk__in=scanned.values("badge_id")) | Exists(searched), pk=badge_pk)
        .first()
    )
    if badge is None or not badge.accreditation.member.photo:
        return None
    member = badge.accreditation.member
    note = f"badge {badge.pk}" + (f", device {device}" if device else "")
    audit_record(actor=None if device else actor, action="member.gate_photo_view", target=member, note=note)
    return member.photo
