"""Every write of the review, vetting, badge and desk workflow.

Each service is atomic, locks the accreditation row it changes, checks the move against
`workflow.TRANSITIONS` (an illegal one raises `AccreditationError(code="illegal_transition")`
whoever the caller), writes the audit trail and queues the e-mails in the same transaction.
"""

import datetime as dt
import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accreditation import selectors
from accreditation.models import (
    Accreditation,
    AccreditationStatus,
    Badge,
    BadgeLayout,
    BadgeNumberCounter,
    PrintBatch,
)
from accreditation.workflow import AccreditationError, check_move
from delegations.models import passport_normalise
from delegations.selectors import focal_point_emails
from hanoi_summit.core.audit import audit_record
from hanoi_summit.core.models import AuditEntry
from hanoi_summit.core.outbox.queue import email_queue

S = AccreditationStatus
logger = logging.getLogger(__name__)
#: Up to this many badges render inside the request; more go to a Celery task.
BATCH_RENDER_IN_REQUEST = 200
#: The first badge number ever issued; numbers then follow one another.
FIRST_BADGE_NUMBER = 100001

__all__ = ["AccreditationError"]


# --- helpers ---------------------------------------------------------------------------------


def _locked(accreditation):
    """The accreditation's row, locked for this transaction and read afresh."""
    return (
        Accreditation.objects.select_for_update(of=("self",))
        .select_related("member__delegation", "category")
        .get(pk=accreditation.pk)
    )


def _move(accreditation, new_status, *, actor, action, note="", extra=None):
    """Check and apply one transition; audit it with before/after."""
    before = accreditation.status
    check_move(before, new_status)
    accreditation.status = new_status
    accreditation.save()
    audit_record(
        actor=actor,
        action=action,
        target=accreditation,
        before={"status": before},
        after={"status": str(new_status), **(extra or {})},
        note=note,
    )


def _required(text, field):
    text = (text or "").strip()
    if not text:
        raise AccreditationError(_("Please give a reason."), code="reason_required", field=field)
    return text


def _notify(accreditation, template, **context):
    """Queue `template` to the delegation's focal points and the member, in the member's language.

    The dedupe key carries the submission time, so each outcome of one submission is sent
    once, and a resubmission's outcome is a new e-mail.
    """
    member = accreditation.member
    recipients = focal_point_emails(delegation=member.delegation, contact_fallback=False)
    if member.email:
        recipients.append(member.email)
    stamp = accreditation.submitted_at.isoformat() if accreditation.submitted_at else "-"
    context = {
        "member": member,
        "delegation": member.delegation,
        "accreditation": accreditation,
        # Lazy: email_queue renders them in the recipient's language.
        "event_name": gettext_lazy(settings.EVENT_LONG_NAME),
        "event_dates": gettext_lazy(settings.EVENT_DATES),
        **context,
    }
    for address in dict.fromkeys(address.lower() for address in recipients):
        email_queue(
            to=address,
            dedupe_key=f"accreditation.{template}:{accreditation.pk}:{stamp}:{address}",
            template=f"accreditation_{template}",
            context=context,
            language=member.language,
        )


# --- review ----------------------------------------------------------------------------------


@transaction.atomic
def accreditation_start_review(*, accreditation, officer):
    """submitted -> under_review, claimed by `officer`. Audited; no e-mail."""
    acc = _locked(accreditation)
    acc.reviewed_by = officer
    _move(acc, S.UNDER_REVIEW, actor=officer, action="accreditation.start_review")
    return acc


@transaction.atomic
def accreditation_approve(*, accreditation, officer, category=None, zones=None):
    """submitted/under_review -> approved, with a category and zones (by rule when not given).

    The member stays locked; the request enters the security vetting queue. Audited; no
    e-mail yet (the outcome is sent when security clears or refuses).
    """
    acc = _locked(accreditation)
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
    acc.reviewed_by = officer
    acc.reviewed_at = timezone.now()
    acc.decision_reason = ""
    _move(
        acc,
        S.APPROVED,
        actor=officer,
        action="accreditation.approve",
        extra={"category": category.code, "zones": sorted(zone.code for zone in zones)},
    )
    acc.zones.set(zones)
    return acc


def accreditation_approve_many(*, accreditations, officer):
    """Approve each accreditation with its suggested category and zones.

    Each approval is its own transaction: one that cannot be approved (illegal transition,
    no category) is reported and leaves the others approved. Returns (approved, refused)
    where refused is a list of (accreditation, AccreditationError).
    """
    approved, refused = [], []
    for accreditation in accreditations:
        try:
            approved.append(accreditation_approve(accreditation=accreditation, officer=officer))
        except AccreditationError as error:
            refused.append((accreditation, error))
    return approved, refused


@transaction.atomic
def accreditation_return(*, accreditation, officer, reason):
    """submitted/under_review/approved -> returned for changes, with a reason.

    Unlocks the member so the focal point may edit and resubmit. Audited; e-mails the reason
    to the focal points and the member.
    """
    reason = _required(reason, "reason")
    acc = _locked(accreditation)
    acc.reviewed_by = officer
    acc.reviewed_at = timezone.now()
    acc.decision_reason = reason
    _move(acc, S.RETURNED, actor=officer, action="accreditation.return", note=reason)
    acc.member.is_locked = False
    acc.member.save(update_fields=["is_locked", "updated_at"])
    _notify(acc, "returned", reason=reason)
    return acc


@transaction.atomic
def accreditation_reject(*, accreditation, officer, reason):
    """submitted/under_review -> rejected (final), with a reason. Audited; e-mailed."""
    reason = _required(reason, "reason")
    acc = _locked(accreditation)
    acc.reviewed_by = officer
    acc.reviewed_at = timezone.now()
    acc.decision_reason = reason
    _move(acc, S.REJECTED, actor=officer, action="accreditation.reject", note=reason)
    _notify(acc, "rejected", reason=reason)
    return acc


# --- security vetting ------------------------------------------------------------------------


def accreditation_record_vetting_view(*, accreditation, officer):
    """Write to the audit trail that a security officer opened this person's record."""
    return audit_record(actor=officer, action="accreditation.vetting_view", target=accreditation)


def member_record_photo_view(*, member, officer):
    """Write to the audit trail that a security officer looked at a member's photo."""
    return audit_record(actor=officer, action="member.photo_view", target=member)


@transaction.atomic
def accreditation_clear(*, accreditation, officer, note=""):
    """approved -> cleared by security. Audited; e-mails the approval (where and when to
    collect the badge, what to bring) to the focal points and the member."""
    acc = _locked(accreditation)
    acc.vetted_by = officer
    acc.vetted_at = timezone.now()
    acc.vetting_note = (note or "").strip()
    _move(acc, S.CLEARED, actor=officer, action="accreditation.clear", note=acc.vetting_note)
    _notify(acc, "approved")
    return acc


@transaction.atomic
def accreditation_refuse(*, accreditation, officer, note):
    """Refused by security, from approval up to a collected badge; final.

    A badge already issued or printed is revoked in the same transaction, so gates deny it
    at once. Audited; a neutral e-mail to the focal points and the member (the note stays
    with security).
    """
    note = _required(note, "note")
    acc = _locked(accreditation)
    check_move(acc.status, S.REFUSED)
    badge = selectors.current_badge(accreditation=acc)
    if badge is not None:
        _revoke(badge, by=officer, reason=_("Refused by security"))
    acc.vetted_by = officer
    acc.vetted_at = timezone.now()
    acc.vetting_note = note
    _move(
        acc,
        S.REFUSED,
        actor=officer,
        action="accreditation.refuse",
        note=note,
        extra={"revoked_badge": str(badge) if badge else None},
    )
    _notify(acc, "refused")
    return acc


# --- badges ----------------------------------------------------------------------------------


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


def _badge_for(acc, *, number, version, by, reason=""):
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
        issued_by=by,
        reprint_reason=reason,
    )


def _new_badge(acc, *, number, version, by, reason=""):
    badge = _badge_for(acc, number=number, version=version, by=by, reason=reason)
    badge.save()
    return badge


def _audit_many(entries, *, actor, action):
    """One audit entry per (target, before, after), written in one statement."""
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                action=action,
                target_type=target._meta.label_lower,
                target_id=str(target.pk),
                target_repr=str(target)[:300],
                before=before,
                after=after,
            )
            for target, before, after in entries
        ]
    )


def _revoke(badge, *, by, reason):
    badge.revoked_at = timezone.now()
    badge.revoked_by = by
    badge.revoked_reason = reason[:200]
    badge.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    audit_record(actor=by, action="badge.revoke", target=badge, after={"revoked": True}, note=reason)


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


def _lock_many(ids):
    """Accreditations locked in primary-key order (the same order everywhere: no deadlock)."""
    return list(
        Accreditation.objects.select_for_update(of=("self",))
        .select_related("member__delegation", "category")
        .prefetch_related("zones")
        .filter(pk__in=ids)
        .order_by("pk")
    )


@transaction.atomic
def badge_issue_many(*, accreditations, by):
    """cleared -> badge_issued for each: consecutive new badge numbers, version 1.

    The category and zone codes are copied onto each badge (they are what its QR code signs);
    validity is the member's stay clipped to the event's days. All or nothing. Audited.
    """
    ids = {accreditation.pk for accreditation in accreditations}
    locked = _lock_many(ids)
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
            _badge_for(acc, number=number, version=1, by=by)
            for acc, number in zip(locked, numbers, strict=True)
        ]
    )
    now = timezone.now()
    Accreditation.objects.filter(pk__in=[acc.pk for acc in locked]).update(
        status=S.BADGE_ISSUED, updated_at=now
    )
    for acc in locked:
        acc.status = S.BADGE_ISSUED
    _audit_many(
        [
            (acc, {"status": str(S.CLEARED)}, {"status": str(S.BADGE_ISSUED), "badge": str(badge)})
            for acc, badge in zip(locked, badges, strict=True)
        ],
        actor=by,
        action="badge.issue",
    )
    return badges


def badge_issue(*, accreditation, by):
    """cleared -> badge_issued for one accreditation (see badge_issue_many)."""
    return badge_issue_many(accreditations=[accreditation], by=by)[0]


def _lock_badge(badge):
    return Badge.objects.select_for_update(of=("self",)).select_related("category").get(pk=badge.pk)


@transaction.atomic
def badge_reprint(*, badge, by, reason):
    """A new version of a printed badge (lost, damaged, data changed); the old one is revoked.

    Both happen in this one transaction: from its commit, gates deny the old version. The
    new version copies the accreditation's current category and zones and waits in the
    print queue (status back to badge_issued). Audited.
    """
    reason = _required(reason, "reason")
    acc = _locked(badge.accreditation)
    old = _lock_badge(badge)
    if old.is_revoked:
        raise AccreditationError(_("This badge version is already revoked."), code="badge_revoked")
    if old.printed_at is None:
        raise AccreditationError(
            _("This badge has not been printed yet: print it from the queue."), code="not_printed"
        )
    check_move(acc.status, S.BADGE_ISSUED)
    _revoke(old, by=by, reason=_("Reprinted: %(reason)s") % {"reason": reason})
    new = _new_badge(acc, number=old.number, version=old.version + 1, by=by, reason=reason)
    _move(
        acc,
        S.BADGE_ISSUED,
        actor=by,
        action="badge.reprint",
        note=reason,
        extra={"revoked": str(old), "badge": str(new)},
    )
    return new


@transaction.atomic
def badge_revoke(*, badge, by, reason):
    """Revoke a badge and the accreditation behind it (final): gates deny it at once. Audited."""
    reason = _required(reason, "reason")
    acc = _locked(badge.accreditation)
    badge = _lock_badge(badge)
    if badge.is_revoked:
        raise AccreditationError(_("This badge version is already revoked."), code="badge_revoked")
    check_move(acc.status, S.REVOKED)
    _revoke(badge, by=by, reason=reason)
    _move(acc, S.REVOKED, actor=by, action="accreditation.revoke", note=reason)
    return badge


@transaction.atomic
def badge_hand_over(*, badge, by, id_document_seen):
    """printed -> collected, against the passport: the number typed at the desk must match.

    Records who handed it over, when, and the passport's last characters. Audited.
    """
    seen = passport_normalise(id_document_seen or "")
    if not seen:
        raise AccreditationError(
            _("Type the number of the passport you were shown."), code="id_required", field="id_document_seen"
        )
    acc = _locked(badge.accreditation)
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
    badge.collected_by = by
    badge.id_document_seen = _("passport ending %(end)s") % {"end": seen[-3:]}
    badge.save(update_fields=["collected_at", "collected_by", "id_document_seen"])
    _move(acc, S.COLLECTED, actor=by, action="badge.hand_over", extra={"badge": str(badge)})
    return badge


# --- printing --------------------------------------------------------------------------------


@transaction.atomic
def badge_print_batch(*, badges, layout, by):
    """One print batch of issued, unprinted badges in one layout.

    Each badge records who printed it, when and in which batch; its accreditation moves to
    printed. Up to BATCH_RENDER_IN_REQUEST badges render before this returns; more render in
    a Celery task after commit, which updates the batch's progress. Audited per badge.
    """
    if layout not in BadgeLayout.values:
        raise AccreditationError(_("Unknown badge layout."), code="invalid_layout", field="layout")
    ids = sorted({badge.pk for badge in badges})
    if not ids:
        raise AccreditationError(_("Select at least one badge to print."), code="empty_batch")
    accreditations = {
        acc.pk: acc for acc in _lock_many(Badge.objects.filter(pk__in=ids).values("accreditation_id"))
    }
    locked = list(Badge.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk"))
    if len(locked) != len(ids):
        raise AccreditationError(_("A selected badge no longer exists."), code="unknown_badge")
    for badge in locked:
        if badge.is_revoked or badge.printed_at is not None:
            raise AccreditationError(
                _("Badge %(badge)s is revoked or already printed.") % {"badge": badge},
                code="not_printable",
            )
        check_move(accreditations[badge.accreditation_id].status, S.PRINTED)
    batch = PrintBatch.objects.create(layout=layout, total=len(locked), created_by=by)
    now = timezone.now()
    Badge.objects.filter(pk__in=ids).update(printed_at=now, printed_by=by, print_batch=batch)
    Accreditation.objects.filter(pk__in=list(accreditations)).update(status=S.PRINTED, updated_at=now)
    _audit_many(
        [
            (
                accreditations[badge.accreditation_id],
                {"status": str(accreditations[badge.accreditation_id].status)},
                {"status": str(S.PRINTED), "badge": str(badge), "batch": batch.pk},
            )
            for badge in locked
        ],
        actor=by,
        action="badge.print",
    )
    if batch.total > BATCH_RENDER_IN_REQUEST:
        from accreditation.tasks import badge_batch_render_task

        transaction.on_commit(lambda: badge_batch_render_task.delay(batch.pk))
    else:
        badge_batch_render(batch=batch)
    return batch


@transaction.atomic
def badge_print_accreditations(*, accreditations, layout, by):
    """Print the current badges of cleared or issued accreditations, issuing those missing.

    All or nothing: one refusal leaves every accreditation as it was.
    """
    accreditations = list(accreditations)
    to_issue = [acc for acc in accreditations if acc.status == S.CLEARED]
    others = [acc.pk for acc in accreditations if acc.status != S.CLEARED]
    badges = badge_issue_many(accreditations=to_issue, by=by)
    current = list(Badge.objects.filter(accreditation_id__in=others, revoked_at__isnull=True))
    if len(current) != len(others):
        raise AccreditationError(_("A selected member has no badge to print."), code="not_printable")
    return badge_print_batch(badges=[*badges, *current], layout=layout, by=by)


def badge_batch_render_again(*, batch):
    """Queue a failed batch's rendering again; True when it was failed and is now pending.

    One conditional UPDATE claims it, so a double click queues one render; the worker picks
    it up once the claim is committed.
    """
    claimed = PrintBatch.objects.filter(pk=batch.pk, status=PrintBatch.Status.FAILED).update(
        status=PrintBatch.Status.PENDING, error=""
    )
    if claimed:
        from accreditation.tasks import badge_batch_render_task

        transaction.on_commit(lambda: badge_batch_render_task.delay(batch.pk))
    return bool(claimed)


def badge_batch_render(*, batch):
    """Render a batch's PDF into its file, writing progress as it goes; mark it done or failed.

    Not atomic on purpose: progress must be visible to the page polling it while rendering.
    A rendering error (a damaged photo...) marks the batch failed with the error and is
    logged, not raised: the badges stay printed and the batch page offers to render again.
    """
    from accreditation.badges.pdf import render_badges

    PrintBatch.objects.filter(pk=batch.pk).update(status=PrintBatch.Status.RENDERING, rendered=0, error="")
    badges = list(selectors.badges_for_rendering(batch=batch))

    def on_progress(done):
        # The renderer calls this every few dozen badges, not per badge.
        PrintBatch.objects.filter(pk=batch.pk).update(rendered=done)

    try:
        with tempfile.TemporaryFile() as out:
            render_badges(badges=badges, layout=batch.layout, out=out, on_progress=on_progress)
            out.seek(0)
            batch.file.save(f"batch-{batch.pk}.pdf", File(out), save=False)
    except Exception as error:  # whatever the renderer raised, the batch must not stay "rendering"
        logger.exception("Rendering print batch %s failed", batch.pk)
        PrintBatch.objects.filter(pk=batch.pk).update(status=PrintBatch.Status.FAILED, error=str(error)[:500])
        batch.refresh_from_db()
        return batch
    PrintBatch.objects.filter(pk=batch.pk).update(
        file=batch.file.name, status=PrintBatch.Status.DONE, rendered=len(badges), finished_at=timezone.now()
    )
    batch.refresh_from_db()
    return batch
