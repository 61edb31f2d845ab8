"""The gate's test vectors (tests/accreditation/gate/vectors.json): loading them and building
the world they describe, for the server's test (tests/accreditation/gate/test_vectors.py) and
the gate app's browser test, which must reach the same verdicts. Format: docs/gate-api.md.
"""

import datetime as dt
import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from accreditation.badges import codes
from accreditation.models import AccreditationStatus, Badge, Scan, ScanReason, ScanResult, Zone
from tests.factories import BadgeFactory, CategoryFactory, ZoneFactory

VECTORS = Path(__file__).parent / "accreditation" / "gate" / "vectors.json"


def load_vectors():
    return json.loads(VECTORS.read_text(encoding="utf-8"))


def event_now_of(vectors):
    """A settings.EVENT_NOW on the vectors' day, so that "today" is theirs."""
    return f"{vectors['today']}T09:00:00+07:00"


def _code_of(spec, key=None):
    return codes.encode(
        codes.BadgeCode(
            number=spec["number"],
            version=spec["version"],
            category=spec["category"],
            zones=tuple(spec["zones"]),
            valid_from=dt.date.fromisoformat(spec["valid_from"]),
            valid_until=dt.date.fromisoformat(spec["valid_until"]),
        ),
        key=key,
    )


def build_world(vectors):
    """Create the vectors' zones, categories, people and badges; badge key -> its QR text.

    signer "stranger" signs with a key of its own (forged); "issued": false leaves the badge
    out of the database (a genuine signature on a number never issued: unknown); superseded
    adds a newer version of the number; refused revokes the badge as security's refusal does.
    """
    stranger = Ed25519PrivateKey.generate()
    for code, zone in vectors.get("zones", {}).items():
        ZoneFactory(code=code, name=zone.get("name", code), second_entry=zone.get("second_entry", "deny"))
    for code, category in vectors.get("categories", {}).items():
        CategoryFactory(
            code=code,
            name=category.get("name", code),
            colour=category.get("colour", "#1565C0"),
            text_colour=category.get("text_colour", "#FFFFFF"),
        )
    now = timezone.now()
    world = {}
    for key, spec in vectors["badges"].items():
        for zone in spec["zones"]:
            ZoneFactory(code=zone)
        world[key] = _code_of(spec, key=stranger if spec.get("signer") == "stranger" else None)
        if spec.get("issued", True) is False or spec.get("signer") == "stranger":
            continue
        category = CategoryFactory(code=spec["category"])
        status = AccreditationStatus.COLLECTED if spec["collected"] else AccreditationStatus.PRINTED
        if spec["refused"]:
            status = AccreditationStatus.REFUSED
        elif spec["revoked"]:
            status = AccreditationStatus.REVOKED
        badge = BadgeFactory(
            number=spec["number"],
            version=spec["version"],
            category=category,
            accreditation__category=category,
            accreditation__status=status,
            accreditation__member__badge_name=spec.get("name", key),
            zone_codes=" ".join(sorted(spec["zones"])),
            valid_from=dt.date.fromisoformat(spec["valid_from"]),
            valid_until=dt.date.fromisoformat(spec["valid_until"]),
            printed_at=now,
            collected_at=now if spec["collected"] else None,
            revoked_at=now if spec["revoked"] or spec["refused"] or spec.get("superseded") else None,
        )
        if spec.get("superseded"):
            BadgeFactory(
                number=badge.number,
                version=badge.version + 1,
                accreditation=badge.accreditation,
                category=category,
                zone_codes=badge.zone_codes,
                valid_from=badge.valid_from,
                valid_until=badge.valid_until,
                printed_at=now,
            )
    return world


def record_prior(vectors, prior):
    """Log a case's prior scans as granted, in order, a second apart, ending a minute ago."""
    start = timezone.now() - dt.timedelta(minutes=1, seconds=len(prior))
    for index, (key, zone, direction) in enumerate(prior):
        spec = vectors["badges"][key]
        Scan.objects.create(
            badge=Badge.objects.get(number=spec["number"], version=spec["version"]),
            zone=Zone.objects.get(code=zone),
            direction=direction,
            result=ScanResult.GRANTED,
            reason=ScanReason.OK,
            scanned_at=start + dt.timedelta(seconds=index),
        )
