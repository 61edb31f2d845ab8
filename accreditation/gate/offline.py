"""Scans a gate device decided offline, sent later in batches (POST /api/checkin/batch/).

Each is stored once (a nonce the log already holds is skipped), with the device's own time,
result and reason, marked ``offline``. The server does not judge them again: the person went
through (or not) when the device said so. It checks one thing: a scan granted for a badge
that was void before the scan's time (revoked, or replaced by a newer print) is flagged
``granted_while_void`` for security (selectors.scans_granted_while_void).

All or nothing: one malformed item refuses the whole batch (OfflineBatchError), nothing
stored, so a device never has to work out which of its scans went through.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accreditation.badges import codes, short
from accreditation.gate.scan import DEVICE_LENGTH, code_digest_of, code_excerpt_of
from accreditation.models import Badge, Direction, Scan, ScanReason, ScanResult, Zone
from hanoi_summit.core.errors import DomainError

#: The most scans one request may carry: a bigger queue is sent in several.
MAX_BATCH = 500


class OfflineBatchError(DomainError):
    default_code = "invalid_batch"


@dataclass(frozen=True)
class OfflineScan:
    """One item as the device sent it, its fields checked (wire.BatchScanInput)."""

    nonce: str
    zone: str
    direction: str
    result: str
    reason: str
    scanned_at: dt.datetime
    code: str = ""
    short: str = ""


@dataclass(frozen=True)
class BatchOutcome:
    stored: int
    duplicates: int
    #: Every nonce of the batch: each is on the server now.
    nonces: list


def _refused(index, message, code, field):
    return OfflineBatchError(
        _("Scan %(index)s: %(message)s") % {"index": index, "message": message},
        code=code,
        field=f"scans[{index}].{field}",
    )


_DIRECTIONS = frozenset(Direction.values)
_RESULTS = frozenset(ScanResult.values)
_REASONS = frozenset(ScanReason.values)


def _checked_verdict(index, item):
    if item.direction not in _DIRECTIONS:
        raise _refused(index, _("direction must be “in” or “out”."), "bad_direction", "direction")
    if item.result not in _RESULTS or item.reason not in _REASONS:
        raise _refused(index, _("unknown result or reason."), "bad_verdict", "reason")
    # A warned second entry is granted with reason ok (docs/gate-api.md), or already_inside
    # as the server logs it.
    granted_reasons = (ScanReason.OK, ScanReason.ALREADY_INSIDE)
    if item.result == ScanResult.GRANTED and item.reason not in granted_reasons:
        raise _refused(index, _("a granted scan's reason is ok."), "bad_verdict", "reason")
    if item.result == ScanResult.DENIED and item.reason == ScanReason.OK:
        raise _refused(index, _("a denied scan needs its reason."), "bad_verdict", "reason")


def _badge_keys(index, item, decoded):
    """(number, version or None for "the newest") the item names, or None for a code that is
    not a genuine badge code (the device found it unknown or forged too). ``decoded``: the
    batch's codes already verified (a queue holds a person's in and out: one verification)."""
    if item.short:
        try:
            return short.parse(item.short), None
        except short.ShortNumberError as error:
            raise _refused(index, error.message, error.code, "short") from None
    if item.code not in decoded:
        try:
            signed = codes.decode(item.code)
            decoded[item.code] = (signed.number, signed.version)
        except codes.CodeError:
            decoded[item.code] = None
    return decoded[item.code]


def _badges_of(numbers):
    """number -> {version: (id, revoked_at, issued_at)} for every version of these numbers."""
    found = defaultdict(dict)
    rows = Badge.objects.filter(number__in=numbers).values_list(
        "id", "number", "version", "revoked_at", "issued_at"
    )
    for pk, number, version, revoked_at, issued_at in rows:
        found[number][version] = (pk, revoked_at, issued_at)
    return found


def _void_at(versions, version, when):
    """Whether this version was void at ``when``: revoked, or a newer print issued, before it."""
    _pk, revoked_at, _issued = versions[version]
    if revoked_at is not None and revoked_at <= when:
        return True
    return any(newer > version and issued <= when for newer, (_p, _r, issued) in versions.items())


def offline_scans_store(items, *, officer_id=None, device=""):
    """Store a device's queued scans (OfflineScan items) once each; a BatchOutcome.

    Raises OfflineBatchError (nothing stored) for more than MAX_BATCH items, an unknown zone,
    a malformed verdict or a short number whose check character is wrong.
    """
    if len(items) > MAX_BATCH:
        raise OfflineBatchError(
            _("At most %(count)s scans per request.") % {"count": MAX_BATCH},
            code="batch_too_large",
            field="scans",
        )
    zones = dict(Zone.objects.filter(code__in={item.zone for item in items}).values_list("code", "id"))
    nonces = [item.nonce for item in items]
    known = set(Scan.objects.filter(nonce__in=nonces).values_list("nonce", flat=True))
    # Each item is checked; only the scans to store have their code verified (a batch sent
    # again after a lost answer costs no signature check).
    fresh, seen, decoded = [], set(known), {}
    for index, item in enumerate(items):
        if item.zone not in zones:
            raise _refused(index, _("there is no zone with this code."), "unknown_zone", "zone")
        _checked_verdict(index, item)
        if item.short or item.nonce not in seen:
            keys = _badge_keys(index, item, decoded)
            if item.nonce not in seen:
                seen.add(item.nonce)
                fresh.append((item, keys))
    badges = _badges_of({keys[0] for _item, keys in fresh if keys is not None})
    now = timezone.now()
    rows = []
    for item, keys in fresh:
        badge_id, void = None, False
        if keys is not None and keys[0] in badges:
            versions = badges[keys[0]]
            version = max(versions) if keys[1] is None else keys[1]
            if version in versions:
                badge_id = versions[version][0]
                void = _void_at(versions, version, item.scanned_at)
        text = item.short or item.code
        rows.append(
            Scan(
                badge_id=badge_id,
                zone_id=zones[item.zone],
                direction=item.direction,
                result=item.result,
                reason=item.reason,
                code_excerpt=code_excerpt_of(text),
                code_digest=code_digest_of(text),
                officer_id=officer_id,
                device=(device or "")[:DEVICE_LENGTH],
                nonce=item.nonce,
                scanned_at=item.scanned_at,
                offline=True,
                received_at=now,
                granted_while_void=void and item.result == ScanResult.GRANTED,
            )
        )
    with transaction.atomic():
        # A batch sent twice at once: the unique nonce keeps one of each, the other skipped.
        Scan.objects.bulk_create(rows, ignore_conflicts=True, batch_size=MAX_BATCH)
    return BatchOutcome(
        stored=len(rows), duplicates=len(items) - len(rows), nonces=list(dict.fromkeys(nonces))
    )
