"""A badge's life at the desk: issued with its number, reprinted as a new version, revoked,
handed over against the passport."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation.models import FIRST_BADGE_NUMBER, Accreditation, Badge, BadgeNumberCounter
from accreditation.models import AccreditationStatus as S
from accreditation.services.gate import gate_accreditation_moved
from accreditation.services.transitions import (
    lock_accreditation,
    lock_accreditations,
    move,
    required_text,
)
from accreditation.workflow import AccreditationError, check_move
from delegations.models import passport_normalise
from hanoi_summit.core.audit import audit_record, audit_record_many


def _validity(member):
    """The member's days in Hanoi clipped to the event's days; the event's days otherwise."""
    first = dt.date.fromisoformat(settings.EVENT_FIRST_DAY)
    last = dt.date.fromisoformat(settings.EVENT_LAST_DAY)
    start = timezone.localtime(member.arrival).date() if member.arrival else first
    end = timezone.localtime(member.departure).date() if member.departure else last
    start, end = max(start, first), min(end, last)
    if start > end:
        return first, last
    return start, end


def _badge_for(acc, *, number, version, actor, reason=""):
    """An unsaved badge copying the accreditation's category and zones as they are now."""
    valid_from, valid_until = _validity(acc.member)
    return Badge(
        accreditation=acc,
        number=number,
        version=version,
        category=acc.category,
        zone_codes=" ".join(sorted(zone.code for zone in acc.zones.all())),
        valid_from=valid_from,
        valid_until=valid_until,
        issued_by=actor,
        reprint_reason=reason,
    )


def badge_version_revoke(badge, *, actor, reason):
    """Revoke this one badge version (audited); its accreditation is the caller's to move."""
    badge.revoked_at = timezone.now()
    badge.revoked_by = actor
    badge.revoked_reason = reason[:200]
    badge.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    audit_record(actor=actor, action="badge.revoke", target=badge, after={"revoked": True}, note=reason)


def _next_badge_numbers(count):
    """Take `count` consecutive badge numbers under the counter's row lock (held until commit).

    Numbers written by other means (the demo seed) are respected: the next one follows the
    highest badge number in the table, read after the lock is taken.
    """
    BadgeNumberCounter.objects.get_or_create(pk=1)
    counter = BadgeNumberCounter.objects.select_for_update().get(pk=1)
    highest = Badge.objects.aggregate(highest=Max("number"))["highest"] or 0
    first = max(counter.last, highest, FIRST_BADGE_NUMBER - 1) + 1
    counter.last = first + count - 1
    counter.save(update_fields=["last"])
    return range(first, first + count)


@transaction.atomic
def badge_issue_many(*, accreditations, actor):
    """cleared -> badge_issued for each: consecutive new badge numbers, version 1.

    The category and zone codes are copied onto each badge (they are what its QR code signs);
    validity is the member's stay clipped to the event's days. All or nothing. Audited.
    """
    ids = {accreditation.pk for accreditation in accreditations}
    locked = lock_accreditations(ids)
    if len(locked) != len(ids):
        raise AccreditationError(
            _("A selected accreditation no longer exists."), code="unknown_accreditation"
        )
    for acc in locked:
        check_move(acc.status, S.BADGE_ISSUED)
        if acc.category is None:
            raise AccreditationError(
                _("%(member)s has no badge category.") % {"member": acc.member}, code="category_required"
            )
    if not locked:
        return []
    numbers = _next_badge_numbers(len(locked))
    badges = Badge.objects.bulk_create(
        [
            _badge_for(acc, number=number, version=1, actor=actor)
            for acc, number in zip(locked, numbers, strict=True)
        ]
    )
    now = timezone.now()
    Accreditation.objects.filter(pk__in=[acc.pk for acc in locked]).update(
        status=S.BADGE_ISSUED, updated_at=now
    )
    gate_accreditation_moved([acc.pk for acc in locked], S.BADGE_ISSUED)
    for acc in locked:
        acc.status = S.BADGE_ISSUED
    audit_record_many(
        [
            (acc, {"status": str(S.CLEARED)}, {"status": str(S.BADGE_ISSUED), "badge": str(badge)})
            for acc, badge in zip(locked, badges, strict=True)
        ],
        actor=actor,
        action="badge.issue",
    )
    return badges


def badge_issue(*, accreditation, actor):
    """cleared -> badge_issued for one accreditation (see badge_issue_many)."""
    return badge_issue_many(accreditations=[accreditation], actor=actor)[0]


def _lock_badge(badge):
    return Badge.objects.select_for_update(of=("self",)).select_related("category").get(pk=badge.pk)


@transaction.atomic
def badge_reprint(*, badge, actor, reason):
    """A new version of a printed badge (lost, damaged, data changed); the old one is revoked.

    Both happen in this one transaction: from its commit, gates deny the old version. The
    new version copies the accreditation's current category and zones and waits in the
    print queue (status back to badge_issued). Audited.
    """
    reason = required_text(reason, "reason")
    acc = lock_accreditation(badge.accreditation)
    old = _lock_badge(badge)
    if old.is_revoked:
        raise AccreditationError(_("This badge version is already revoked."), code="badge_revoked")
    if old.printed_at is None:
        raise AccreditationError(
            _("This badge has not been printed yet: print it from the queue."), code="not_printed"
        )
    check_move(acc.status, S.BADGE_ISSUED)
    badge_version_revoke(old, actor=actor, reason=_("Reprinted: %(reason)s") % {"reason": reason})
    new = _badge_for(acc, number=old.number, version=old.version + 1, actor=actor, reason=reason)
    new.save()
    move(
        acc,
        S.BADGE_ISSUED,
        actor=actor,
        action="badge.reprint",
        note=reason,
        extra={"revoked": str(old), "badge": str(new)},
    )
    return new


@transaction.atomic
def badge_revoke(*, badge, actor, reason):
    """Revoke a badge and the accreditation behind it (final): gates deny it at once. Audited."""
    reason = required_text(reason, "reason")
    acc = lock_accreditation(badge.accreditation)
    badge = _lock_badge(badge)
    if badge.is_revoked:
        raise AccreditationError(_("This badge version is already revoked."), code="badge_revoked")
    check_move(acc.status, S.REVOKED)
    badge_version_revoke(badge, actor=actor, reason=reason)
    move(acc, S.REVOKED, actor=actor, action="accreditation.revoke", note=reason)
    return badge


@transaction.atomic
def badge_hand_over(*, badge, actor, id_document_seen):
    """printed -> collected, against the passport: the number typed at the desk must match.

    Records who handed it over, when, and the passport's last characters. Audited.
    """
    seen = passport_normalise(id_document_seen or "")
    if not seen:
        raise AccreditationError(
            _("Type the number of the passport you were shown."), code="id_required", field="id_document_seen"
        )
    acc = lock_accreditation(badge.accreditation)
    badge = _lock_badge(badge)
    if badge.is_revoked:
        raise AccreditationError(_("This badge version is revoked."), code="badge_revoked")
    if badge.printed_at is None:
        raise AccreditationError(_("This badge has not been printed yet."), code="not_printed")
    passport = passport_normalise(acc.member.passport_number)
    if passport and seen != passport:
        raise AccreditationError(
            _("The passport shown does not match the one on record."),
            code="passport_mismatch",
            field="id_document_seen",
        )
    check_move(acc.status, S.COLLECTED)
    badge.collected_at = timezone.now()
    badge.collected_by = actor
    badge.id_document_seen = _("passport ending %(end)s") % {"end": seen[-3:]}
    badge.save(update_fields=["collected_at", "collected_by", "id_document_seen"])
    move(acc, S.COLLECTED, actor=actor, action="badge.hand_over", extra={"badge": str(badge)})
    return badge
