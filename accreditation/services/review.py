"""The accreditation officer's decisions: take a request, approve it, return it or reject it."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation import selectors
from accreditation.models import AccreditationStatus as S
from accreditation.services.transitions import lock_accreditation, move, notify, required_text
from accreditation.workflow import AccreditationError, check_move
from hanoi_summit.core.audit import audit_record


@transaction.atomic
def accreditation_start_review(*, accreditation, actor):
    """submitted -> under_review, claimed by `actor`. Audited; no e-mail."""
    acc = lock_accreditation(accreditation)
    acc.reviewed_by = actor
    move(acc, S.UNDER_REVIEW, actor=actor, action="accreditation.start_review")
    return acc


@transaction.atomic
def accreditation_approve(*, accreditation, actor, category=None, zones=None):
    """submitted/under_review -> approved, with a category and zones (by rule when not given).

    The member stays locked; the request enters the security vetting queue. Audited; no
    e-mail yet (the outcome is sent when security clears or refuses).
    """
    acc = lock_accreditation(accreditation)
    check_move(acc.status, S.APPROVED)
    if category is None or zones is None:
        suggested_category, suggested_zones = selectors.assignment_suggested(member=acc.member)
        if zones is None:
            # Zones go with the category: the rule's for its own suggestion, the chosen
            # category's defaults otherwise (never another category's access).
            chosen = category is not None and category != suggested_category
            zones = list(category.default_zones.all()) if chosen else suggested_zones
        category = category or suggested_category
    if category is None:
        raise AccreditationError(
            _("Choose a badge category: none is suggested for this member."),
            code="category_required",
            field="category",
        )
    zones = list(zones)
    acc.category = category
    acc.reviewed_by = actor
    acc.reviewed_at = timezone.now()
    acc.decision_reason = ""
    move(
        acc,
        S.APPROVED,
        actor=actor,
        action="accreditation.approve",
        extra={"category": category.code, "zones": sorted(zone.code for zone in zones)},
    )
    acc.zones.set(zones)
    return acc


def accreditation_approve_many(*, accreditations, actor):
    """Approve each accreditation with its suggested category and zones.

    Each approval is its own transaction: one that cannot be approved (illegal transition,
    no category) is reported and leaves the others approved. Returns (approved, refused)
    where refused is a list of (accreditation, AccreditationError).
    """
    approved, refused = [], []
    for accreditation in accreditations:
        try:
            approved.append(accreditation_approve(accreditation=accreditation, actor=actor))
        except AccreditationError as error:
            refused.append((accreditation, error))
    return approved, refused


@transaction.atomic
def accreditation_return(*, accreditation, actor, reason):
    """submitted/under_review/approved -> returned for changes, with a reason.

    Unlocks the member so the focal point may edit and resubmit. Audited; e-mails the reason
    to the focal points and the member.
    """
    reason = required_text(reason, "reason")
    acc = lock_accreditation(accreditation)
    acc.reviewed_by = actor
    acc.reviewed_at = timezone.now()
    acc.decision_reason = reason
    move(acc, S.RETURNED, actor=actor, action="accreditation.return", note=reason)
    if acc.member.is_locked:
        acc.member.is_locked = False
        acc.member.save(update_fields=["is_locked", "updated_at"])
        audit_record(
            actor=actor,
            action="member.unlock",
            target=acc.member,
            before={"is_locked": True},
            after={"is_locked": False},
        )
    notify(acc, "returned", reason=reason)
    return acc


@transaction.atomic
def accreditation_reject(*, accreditation, actor, reason):
    """submitted/under_review -> rejected (final), with a reason. Audited; e-mailed."""
    reason = required_text(reason, "reason")
    acc = lock_accreditation(accreditation)
    acc.reviewed_by = actor
    acc.reviewed_at = timezone.now()
    acc.decision_reason = reason
    move(acc, S.REJECTED, actor=actor, action="accreditation.reject", note=reason)
    notify(acc, "rejected", reason=reason)
    return acc
