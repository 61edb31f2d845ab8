"""Security's vetting: clear or refuse a person, and the record of every look at their data."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation import selectors
from accreditation.models import AccreditationStatus as S
from accreditation.services.badges import badge_version_revoke
from accreditation.services.transitions import lock_accreditation, move, notify, required_text
from accreditation.workflow import check_move
from hanoi_summit.core.audit import audit_record


def accreditation_record_vetting_view(*, accreditation, actor):
    """Write to the audit trail that a security officer opened this person's record."""
    return audit_record(actor=actor, action="accreditation.vetting_view", target=accreditation)


def member_record_photo_view(*, member, actor):
    """Write to the audit trail that a security officer looked at a member's photo."""
    return audit_record(actor=actor, action="member.photo_view", target=member)


def _note_written(note):
    """What the audit entry says of security's note: that one was written, not its text. The
    note is kept encrypted on the accreditation only (hanoi_summit/core/crypto.py), so the
    shredder can remove it and the audit trail, which is never rewritten, holds no copy."""
    return {"vetting_note": "***"} if note else {}


@transaction.atomic
def accreditation_clear(*, accreditation, actor, note=""):
    """approved -> cleared by security. Audited; e-mails the approval (where and when to
    collect the badge, what to bring) to the focal points and the member."""
    acc = lock_accreditation(accreditation)
    acc.vetted_by = actor
    acc.vetted_at = timezone.now()
    acc.vetting_note = (note or "").strip()
    move(acc, S.CLEARED, actor=actor, action="accreditation.clear", extra=_note_written(acc.vetting_note))
    notify(acc, "approved")
    return acc


@transaction.atomic
def accreditation_refuse(*, accreditation, actor, note):
    """Refused by security, from approval up to a collected badge; final.

    A badge already issued or printed is revoked in the same transaction, so gates deny it
    at once. Audited; a neutral e-mail to the focal points and the member (the note stays
    with security).
    """
    note = required_text(note, "note")
    acc = lock_accreditation(accreditation)
    check_move(acc.status, S.REFUSED)
    badge = selectors.current_badge(accreditation=acc)
    if badge is not None:
        badge_version_revoke(badge, actor=actor, reason=_("Refused by security"))
    acc.vetted_by = actor
    acc.vetted_at = timezone.now()
    acc.vetting_note = note
    move(
        acc,
        S.REFUSED,
        actor=actor,
        action="accreditation.refuse",
        extra={"revoked_badge": str(badge) if badge else None, **_note_written(note)},
    )
    notify(acc, "refused")
    return acc
