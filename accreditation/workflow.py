"""The accreditation state machine: which status may follow which. Services enforce it.

draft -> submitted -> under_review -> approved -> cleared -> badge_issued -> printed -> collected
                   \\-> returned (-> submitted again)     \\-> refused
                   \\-> rejected
revoked from any status after approval (a refused person can never get a badge).
"""

from .models import AccreditationStatus as S

TRANSITIONS = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.UNDER_REVIEW, S.APPROVED, S.RETURNED, S.REJECTED},
    S.UNDER_REVIEW: {S.APPROVED, S.RETURNED, S.REJECTED},
    S.RETURNED: {S.SUBMITTED},
    S.REJECTED: set(),
    S.APPROVED: {S.CLEARED, S.REFUSED, S.RETURNED, S.REVOKED},
    S.CLEARED: {S.BADGE_ISSUED, S.REFUSED, S.REVOKED},
    S.REFUSED: set(),
    S.BADGE_ISSUED: {S.PRINTED, S.REFUSED, S.REVOKED},
    S.PRINTED: {S.COLLECTED, S.PRINTED, S.REFUSED, S.REVOKED},
    S.COLLECTED: {S.PRINTED, S.REFUSED, S.REVOKED},
    S.REVOKED: set(),
}

#: Statuses in which the focal point may edit the member.
EDITABLE = {S.DRAFT, S.RETURNED}
#: Statuses in which a badge may exist and be valid.
BADGE_STATUSES = {S.BADGE_ISSUED, S.PRINTED, S.COLLECTED}


def can_move(current, new):
    return new in TRANSITIONS.get(current, set())
