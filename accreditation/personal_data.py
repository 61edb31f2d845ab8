"""The accreditation app's share of a person's data (hanoi_summit/core/personal_data.py):
their accreditation, badges and gate scans. Left out: security's vetting note and who
reviewed, vetted or handled what (staff's, not the person's), and anything that opens a gate
(badge codes, scanners' nonces and code digests)."""

from accreditation.models import Accreditation, Badge, Scan
from hanoi_summit.core.personal_data import json_value, record_of

ACCREDITATION_FIELDS = (
    "id",
    "status",
    "category",
    "submitted_at",
    "reviewed_at",
    "decision_reason",
    "created_at",
)
BADGE_FIELDS = (
    "number",
    "version",
    "category",
    "zone_codes",
    "valid_from",
    "valid_until",
    "issued_at",
    "reprint_reason",
    "printed_at",
    "collected_at",
    "revoked_at",
    "revoked_reason",
)
SCAN_FIELDS = ("scanned_at", "zone", "direction", "result", "reason")


def accreditation_records(member):
    accreditation = Accreditation.objects.filter(member=member).select_related("category").first()
    if accreditation is None:
        return None
    badges = (
        Badge.objects.filter(accreditation=accreditation)
        .select_related("category")
        .order_by("number", "version")
    )
    scans = (
        Scan.objects.filter(badge__accreditation=accreditation)
        .select_related("zone")
        .order_by("scanned_at", "id")
    )
    return {
        **record_of(accreditation, ACCREDITATION_FIELDS),
        "zones": [json_value(zone) for zone in accreditation.zones.order_by("code")],
        "badges": [record_of(badge, BADGE_FIELDS) for badge in badges],
        "scans": [record_of(scan, SCAN_FIELDS) for scan in scans],
    }
