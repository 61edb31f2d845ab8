"""The accreditation state machine: which status may follow which. Services enforce it.

draft -> submitted -> under_review -> approved -> cleared -> badge_issued -> printed -> collected
                   \\-> returned (-> submitted again)     \\-> refused
                   \\-> rejected
A reprint sends a printed or collected badge back to badge_issued (the new version waits in
the print queue). Revoked from any status after approval; a refused person never gets a badge.
"""

from django.utils.translation import gettext_lazy as _

from accreditation.models import AccreditationStatus as S
from hanoi_summit.core.errors import DomainError

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
    S.PRINTED: {S.COLLECTED, S.BADGE_ISSUED, S.REFUSED, S.REVOKED},
    S.COLLECTED: {S.BADGE_ISSUED, S.REFUSED, S.REVOKED},
    S.REVOKED: set(),
}

#: Statuses in which the focal point may edit the member.
EDITABLE = {S.DRAFT, S.RETURNED}
#: Statuses in which a badge may exist and be valid.
BADGE_STATUSES = {S.BADGE_ISSUED, S.PRINTED, S.COLLECTED}
#: Statuses waiting for an accreditation officer.
REVIEW_QUEUE = {S.SUBMITTED, S.UNDER_REVIEW}
#: Statuses waiting for a security officer.
VETTING_QUEUE = {S.APPROVED}
#: Statuses in which security sees a person's vetting data (passport, date of birth): those
#: it may clear or refuse from, and its own decisions. Not before the secretariat has
#: approved the request (drafts, the review, returned or rejected requests), nor revoked ones.
VETTING_SCOPE = frozenset(
    {status for status, following in TRANSITIONS.items() if following & {S.CLEARED, S.REFUSED}}
    | {S.CLEARED, S.REFUSED}
)


class AccreditationError(DomainError):
    """A refused accreditation or badge operation."""

    default_code = "accreditation_error"


def can_move(current, new):
    return new in TRANSITIONS.get(current, set())


def check_move(current, new):
    """Raise `AccreditationError(code="illegal_transition")` unless `current -> new` is allowed."""
    if not can_move(current, new):
        raise AccreditationError(
            _("An accreditation that is “%(current)s” cannot become “%(new)s”.")
            % {"current": S(current).label, "new": S(new).label},
            code="illegal_transition",
        )
