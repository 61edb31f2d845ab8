"""The gate bundle: what a gate device needs to decide offline (GET /api/gate/bundle/).

The public keys, the zones with their second-entry rule, and the newest version of every
badge number with what a verdict shows and decides on; with ``since`` only the badges
changed after that version (Badge.gate_version, taken under GateVersion's lock by
accreditation.services.gate). The device applies the rules of accreditation.gate.scan.decide
to it (docs/gate-api.md); tests/accreditation/gate/vectors.json holds both to the same table.
"""

import base64
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accreditation.badges import keys
from accreditation.badges.short import short_number
from accreditation.models import AccreditationStatus, Badge, GateVersion, Zone
from delegations.models import delegation_label_of, function_label_of
from hanoi_summit.core.clock import event_today

_BADGE_COLUMNS = (
    "number",
    "version",
    "collected_at",
    "revoked_at",
    "accreditation__status",
    "accreditation__member__badge_name",
    "accreditation__member__function",
    "accreditation__member__role",
    "accreditation__member__delegation__name",
    "accreditation__member__delegation__acronym",
    "accreditation__member__delegation__country",
    "accreditation__member__delegation__kind",
    "category__code",
    "category__name",
    "category__colour",
    "category__text_colour",
    "zone_codes",
    "valid_from",
    "valid_until",
)


@dataclass(frozen=True)
class GateBundle:
    version: int
    full: bool
    #: The bundle as JSON bytes (built once; it is large).
    body: bytes

    @property
    def etag(self):
        return bundle_etag(self.version)


def gate_version():
    """The version of what the gates read now (0 before any change)."""
    return GateVersion.objects.filter(pk=1).values_list("last", flat=True).first() or 0


def bundle_etag(version):
    # The day is part of it: "valid today" changes at midnight with no version change.
    return f'W/"gate-{version}-{event_today().isoformat()}"'


def key_id(raw):
    """A short, stable name of a public key: the start of its SHA-256."""
    return hashlib.sha256(raw).hexdigest()[:8]


def bundle_badge(row):
    """One badge of the bundle from a row of _BADGE_COLUMNS.

    "revoked" is void (accreditation.models.badge_is_void) except by security's refusal,
    which says "refused": the same order as the server's decision (revoked, then refused).
    An older version than the bundle's for its number is revoked on the device.
    """
    (number, version, collected_at, revoked_at, status, name, function, role) = row[:8]
    (d_name, d_acronym, d_country, d_kind, c_code, c_name, c_colour, c_text) = row[8:16]
    zone_codes, valid_from, valid_until = row[16:]
    refused = status == AccreditationStatus.REFUSED
    return {
        "number": number,
        "version": version,
        "short": short_number(number),
        "collected": collected_at is not None,
        "revoked": not refused and (revoked_at is not None or status == AccreditationStatus.REVOKED),
        "revoked_at": timezone.localtime(revoked_at).isoformat() if revoked_at else None,
        "refused": refused,
        "name": name,
        "delegation": delegation_label_of(d_name, d_acronym, d_country or "", d_kind),
        "function": function_label_of(function, role),
        "category_code": c_code,
        "category_name": c_name,
        "category_colour": c_colour,
        "category_text_colour": c_text,
        "zones": zone_codes.split(),
        "valid_from": valid_from.isoformat(),
        "valid_until": valid_until.isoformat(),
    }


def newest_badges():
    """The newest version of each badge number (an older one is revoked by the newer)."""
    newer = Badge.objects.filter(number=OuterRef("number"), version__gt=OuterRef("version"))
    return Badge.objects.filter(~Exists(newer))


def gate_bundle(*, since=None, zone_codes=None):
    """The bundle as of now; with ``since`` (a version the device holds) only the changes.

    ``zone_codes``: a registered device's zones (None: all). The version is read before the
    badges: a badge changed in between comes in this answer and again in the next one,
    never in neither.
    """
    version = gate_version()
    full = since is None or since < 0 or since > version
    zones = Zone.objects.order_by("sort_order", "code")
    if zone_codes is not None:
        zones = zones.filter(code__in=zone_codes)
    badges = newest_badges()
    if not full:
        badges = badges.filter(gate_version__gt=since)
    raw = keys.public_key_raw()
    data = {
        "version": version,
        "full": full,
        "generated_at": timezone.localtime().isoformat(),
        "event_today": event_today().isoformat(),
        "offline_max_minutes": settings.GATE_OFFLINE_MAX_MINUTES,
        "keys": [{"id": key_id(raw), "public_key": base64.b64encode(raw).decode()}],
        "zones": [
            {"code": zone.code, "name": zone.name, "second_entry": zone.second_entry}
            for zone in zones.only("code", "name", "second_entry")
        ],
        "badges": [bundle_badge(row) for row in badges.order_by("number").values_list(*_BADGE_COLUMNS)],
        # Badges are not deleted while the event runs (a withdrawn person's is revoked).
        "removed": [],
    }
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return GateBundle(version=version, full=full, body=body)
