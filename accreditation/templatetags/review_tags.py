"""Small display helpers for the review and protocol pages."""

from django import template

from accreditation.models import AccreditationStatus as S

register = template.Library()

_TONES = {
    S.DRAFT: "secondary",
    S.SUBMITTED: "info",
    S.UNDER_REVIEW: "primary",
    S.RETURNED: "warning",
    S.REJECTED: "danger",
    S.APPROVED: "primary",
    S.CLEARED: "success",
    S.REFUSED: "danger",
    S.BADGE_ISSUED: "success",
    S.PRINTED: "success",
    S.COLLECTED: "dark",
    S.REVOKED: "danger",
}


@register.filter
def status_tone(status):
    """The Bootstrap colour of an accreditation status pill."""
    return _TONES.get(status, "secondary")
