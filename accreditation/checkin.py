"""Check-in at a gate: one entry point for the gate page and scanner devices.

`badge_scan` verifies the code's signature, finds the badge, decides, and logs the scan.
A granted scan costs three queries: the zone, the badge (with its person, category and
"is there a newer version" in one join), and the insert of the Scan row, which commits on
its own (the only write, so no transaction is opened around it).
"""

import datetime as dt
import unicodedata
import zoneinfo
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanoi_summit.errors import DomainError

from . import codes
from .models import AccreditationStatus, Badge, Direction, Scan, ScanReason, ScanResult, Zone

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


def _display(badge):
    from .pdf import delegation_label, function_label

    member = badge.accreditation.member
    category = badge.category
    return BadgeDisplay(
        badge_id=badge.pk,
        number=badge.number,
        version=badge.version,
        name=member.badge_name,
        function=function_label(member),
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


#: The columns a decision and the gate's display need; a scan reads nothing else.
_SCAN_FIELDS = (
    "id",
    "number",
    "version",
    "zone_codes",
    "valid_from",
    "valid_until",
    "collected_at",
    "revoked_at",
    "accreditation__id",
    "accreditation__status",
    "accreditation__member__id",
    "accreditation__member__badge_name",
    "accreditation__member__function",
    "accreditation__member__role",
    "accreditation__member__photo",
    "accreditation__member__delegation__id",
    "accreditation__member__delegation__name",
    "accreditation__member__delegation__acronym",
    "accreditation__member__delegation__country",
    "accreditation__member__delegation__kind",
    "category__id",
    "category__code",
    "category__name",
    "category__colour",
    "category__text_colour",
)


def _badges_with_newer():
    newer = Badge.objects.filter(number=OuterRef("number"), version__gt=OuterRef("version"))
    return (
        Badge.objects.select_related("accreditation__member__delegation", "category")
        .only(*_SCAN_FIELDS)
        .annotate(has_newer=Exists(newer))
    )


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


def badge_scan(*, code, zone_code, direction, officer=None, device="", nonce=None):
    """Judge one badge presented at a zone's gate, log it, and say what the gate shows.

    Checks, in order: the signature (forged / unknown), the badge (unknown), security's
    refusal (refused), revocation, a newer version or a revoked accreditation (revoked),
    hand-over at the desk (not_collected), today's date in Hanoi (not_valid_today), the
    zone (wrong_zone); else granted (ok).

    Side effects: one Scan row, granted or denied. A repeated non-empty ``nonce`` returns
    the first scan's outcome and logs nothing more (two racing requests: the unique index
    keeps one, the loser reads it back).
    Raises CheckInError for an unknown zone or direction; nothing is logged then.
    """
    if direction not in Direction.values:
        raise CheckInError(_("Direction must be “in” or “out”."), code="bad_direction", field="direction")
    nonce = (nonce or "").strip()[:64] or None
    if nonce:
        replayed = _replay(nonce)
        if replayed:
            return replayed
    try:
        # get() skips the ORDER BY that first() adds: this runs on every scan.
        zone = Zone.objects.only("id", "code").get(code=zone_code or "")
    except Zone.DoesNotExist:
        raise CheckInError(_("There is no zone with this code."), code="unknown_zone", field="zone") from None

    badge = None
    try:
        signed = codes.decode(code)
    except codes.CodeError as error:
        reason = ScanReason(error.code)
    else:
        try:
            badge = _badges_with_newer().get(number=signed.number, version=signed.version)
        except Badge.DoesNotExist:
            badge = None
        reason = ScanReason.UNKNOWN if badge is None else _decide(badge, zone.code, today_in_hanoi())

    result = ScanResult.GRANTED if reason == ScanReason.OK else ScanResult.DENIED
    scan = Scan(
        badge=badge,
        zone=zone,
        direction=direction,
        result=result,
        reason=reason,
        code_excerpt=_excerpt(code),
        officer=officer if officer is not None and officer.is_authenticated else None,
        device=(device or "")[:60],
        nonce=nonce,
    )
    try:
        if transaction.get_connection().in_atomic_block:
            # Inside a caller's transaction a failed insert must not poison it: savepoint.
            with transaction.atomic():
                scan.save(force_insert=True)
        else:
            # One INSERT commits atomically on its own: no BEGIN/COMMIT round trips.
            scan.save(force_insert=True)
    except IntegrityError:
        replayed = _replay(nonce) if nonce else None
        if replayed is None:
            raise
        return replayed
    return ScanOutcome(
        result=result,
        reason=reason,
        zone=zone.code,
        direction=direction,
        scan_id=scan.pk,
        badge=_display(badge) if badge else None,
    )
