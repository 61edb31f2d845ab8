"""How accreditation's states look: one Bootstrap tone per status, for every page, template
tag, admin pill and dashboard chart.

Tones are Bootstrap's names (success, warning, danger, info, primary, secondary, dark); where a
hex colour is needed (admin pills, SVG charts) it comes from the one tone -> hex table,
hanoi_summit.core.admin.PILL_COLOURS.
"""

from dataclasses import dataclass

from accreditation.models import AccreditationStatus as S
from accreditation.models import PrintBatch, ScanResult

#: Waiting is info, a step forward primary, a person who may enter success, a stop danger.
ACCREDITATION_TONES = {
    S.DRAFT: "secondary",
    S.SUBMITTED: "info",
    S.UNDER_REVIEW: "info",
    S.RETURNED: "warning",
    S.REJECTED: "danger",
    S.APPROVED: "primary",
    S.CLEARED: "success",
    S.REFUSED: "danger",
    S.BADGE_ISSUED: "success",
    S.PRINTED: "success",
    S.COLLECTED: "success",
    S.REVOKED: "danger",
}

#: One badge version at the desk and in the admin.
BADGE_TONES = {
    "not_printed": "secondary",
    "printed": ACCREDITATION_TONES[S.PRINTED],
    "collected": ACCREDITATION_TONES[S.COLLECTED],
    "valid": "success",
    "revoked": ACCREDITATION_TONES[S.REVOKED],
}

BATCH_TONES = {
    PrintBatch.Status.PENDING: "info",
    PrintBatch.Status.RENDERING: "info",
    PrintBatch.Status.DONE: "success",
    PrintBatch.Status.FAILED: "danger",
}

SCAN_TONES = {ScanResult.GRANTED: "success", ScanResult.DENIED: "danger"}


def accreditation_tone(status):
    """The tone of an accreditation status (secondary for an unknown value)."""
    return ACCREDITATION_TONES.get(status, "secondary")


@dataclass(frozen=True)
class StatusDisplay:
    """An accreditation status as a page shows it: its code, its words and its tone."""

    code: str
    label: str
    tone: str


def accreditation_display(accreditation):
    """How a member's accreditation (None for a member never submitted: a draft) is shown."""
    code = accreditation.status if accreditation is not None else S.DRAFT
    return StatusDisplay(code=code, label=str(S(code).label), tone=accreditation_tone(code))


def badge_state(badge):
    """The key of BADGE_TONES for a badge version as the desk shows it."""
    if badge.revoked_at is not None:
        return "revoked"
    if badge.collected_at is not None:
        return "collected"
    if badge.printed_at is not None:
        return "printed"
    return "not_printed"


def batch_tone(status):
    return BATCH_TONES.get(status, "secondary")
