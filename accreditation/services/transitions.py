"""What every accreditation service shares: the row lock, the checked move, the audit rows and
the outcome e-mails.

Each service is atomic, locks the accreditation row it changes, checks the move against
`workflow.TRANSITIONS` (an illegal one raises `AccreditationError(code="illegal_transition")`
whoever the caller), writes the audit trail and queues the e-mails in the same transaction.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accreditation.models import Accreditation
from accreditation.services.gate import gate_accreditation_moved
from accreditation.workflow import AccreditationError, check_move
from delegations.selectors import focal_point_emails
from hanoi_summit.core.audit import audit_record
from hanoi_summit.core.outbox.queue import email_queue


def lock_accreditation(accreditation):
    """The accreditation's row, locked for this transaction and read afresh."""
    return (
        Accreditation.objects.select_for_update(of=("self",))
        .select_related("member__delegation", "category")
        .get(pk=accreditation.pk)
    )


def lock_accreditations(ids):
    """Accreditations locked in primary-key order (the same order everywhere: no deadlock)."""
    return list(
        Accreditation.objects.select_for_update(of=("self",))
        .select_related("member__delegation", "category")
        .prefetch_related("zones")
        .filter(pk__in=ids)
        .order_by("pk")
    )


def move(accreditation, new_status, *, actor, action, note="", extra=None):
    """Check and apply one transition; audit it with before/after."""
    before = accreditation.status
    check_move(before, new_status)
    accreditation.status = new_status
    accreditation.save()
    gate_accreditation_moved([accreditation.pk], new_status)
    audit_record(
        actor=actor,
        action=action,
        target=accreditation,
        before={"status": before},
        after={"status": str(new_status), **(extra or {})},
        note=note,
    )


def required_text(text, field):
    """`text` stripped; refused with code "reason_required" on `field` when empty."""
    text = (text or "").strip()
    if not text:
        raise AccreditationError(_("Please give a reason."), code="reason_required", field=field)
    return text


def notify(accreditation, template, **context):
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
