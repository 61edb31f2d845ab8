"""Submitting a delegation's members for accreditation: the focal point's last step in the portal.

`delegation_submit` is the one owner of the move draft/returned -> submitted; the review
services (accreditation.services.review) take it from there and unlock returned members.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accreditation.models import Accreditation, AccreditationStatus
from accreditation.workflow import can_move
from delegations.models import Delegation, FocalPoint, Member
from delegations.selectors import delegation_details_complete, delegation_has_nomination
from delegations.services import MEMBER_FIELDS
from hanoi_summit.core.audit import audit_record, audit_record_many
from hanoi_summit.core.crypto import keyed_hash
from hanoi_summit.core.errors import DomainError
from hanoi_summit.core.outbox.queue import email_queue

#: The member's data whose change makes a returned request worth submitting again: what the
#: focal point keeps and the photo; not the language e-mails are written in.
FINGERPRINT_FIELDS = (*(name for name in MEMBER_FIELDS if name != "language"), "photo")
#: Statuses from which submitting moves a member on.
SUBMITTABLE = {AccreditationStatus.DRAFT, AccreditationStatus.RETURNED}


class SubmissionError(DomainError):
    """A refused submission. `missing` maps "delegation" or a member to what it lacks."""

    def __init__(self, message, *, code=None, missing=None):
        super().__init__(message, code=code)
        self.missing = missing or {}


@dataclass
class SubmissionResult:
    submitted: list = field(default_factory=list)
    #: Members returned for changes and not changed since: not sent again.
    unchanged: list = field(default_factory=list)


def member_fingerprint(member):
    """Keyed hash (FIELD_HASH_KEY) of the member's submitted data (the photo by its stored
    name, new at each upload). Keyed: the data holds the passport number and date of birth,
    and a plain digest beside the other columns could be matched against guesses offline."""
    data = {name: str(getattr(member, name) or "") for name in FINGERPRINT_FIELDS}
    return keyed_hash(json.dumps(data, sort_keys=True))


def member_missing(member):
    """What a member lacks to be submitted, as sentences for the focal point."""
    missing = []
    if not member.family_name:
        missing.append(_("family name"))
    if not member.gender:
        missing.append(_("gender"))
    if not member.date_of_birth:
        missing.append(_("date of birth"))
    if not member.nationality:
        missing.append(_("nationality"))
    if not member.passport_number:
        missing.append(_("passport number"))
    if not member.passport_expiry:
        missing.append(_("passport expiry date"))
    elif member.passport_expiry < timezone.localdate():
        missing.append(_("a passport that has not expired"))
    if not member.photo and not member.photo_exempt:
        missing.append(_("photo"))
    return missing


def delegation_missing(*, delegation):
    missing = []
    if not delegation_details_complete(delegation=delegation):
        missing.append(_("the delegation's details (contact e-mail, ministry or mission)"))
    if not delegation_has_nomination(delegation=delegation):
        missing.append(_("a note verbale or letter of nomination"))
    return missing


def _accreditation_status(member):
    accreditation = getattr(member, "accreditation", None)
    return accreditation.status if accreditation else AccreditationStatus.DRAFT


def submission_plan(*, delegation, members):
    """Split `members` (with their accreditation loaded) into to-submit and unchanged, and
    list what is missing. No writes."""
    to_submit, unchanged, missing = [], [], {}
    for member in members:
        status = _accreditation_status(member)
        if status not in SUBMITTABLE:
            continue
        if status == AccreditationStatus.RETURNED and (
            member.accreditation.submitted_fingerprint == member_fingerprint(member)
        ):
            unchanged.append(member)
            continue
        lacks = member_missing(member)
        if lacks:
            missing[member] = lacks
        to_submit.append(member)
    delegation_lacks = delegation_missing(delegation=delegation)
    if delegation_lacks:
        missing["delegation"] = delegation_lacks
    return to_submit, unchanged, missing


def delegation_submit(*, delegation, actor, site_url=""):
    """Submit every new or changed member of `delegation` for accreditation.

    Refused (SubmissionError, code "incomplete", with `missing`) if the delegation or any of
    those members lacks something; code "nothing_to_submit" if there is nothing new.
    Side effects, all in one transaction: each such member's Accreditation is created or moved
    to `submitted` with the member's fingerprint; the member is locked (read-only in the
    portal); one audit entry per member and one per member locked; one confirmation e-mail to each focal point and one
    to each submitted member with an e-mail address, with dedupe keys so that the same
    submission never sends twice.
    """
    with transaction.atomic():
        # One submission at a time per delegation: a double click waits, then finds nothing new.
        delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
        members = list(
            Member.objects.filter(delegation=delegation)
            .select_related("accreditation")
            .select_for_update(of=("self",))
            .order_by("protocol_rank", "family_name", "given_names")
        )
        to_submit, unchanged, missing = submission_plan(delegation=delegation, members=members)
        if missing:
            raise SubmissionError(
                _("Some information is missing; nothing was submitted."), code="incomplete", missing=missing
            )
        if not to_submit:
            raise SubmissionError(
                _("There is nothing new to submit: add or change members first."), code="nothing_to_submit"
            )
        now = timezone.now()
        fingerprints, locked = [], []
        for member in to_submit:
            accreditation = getattr(member, "accreditation", None) or Accreditation(member=member)
            before = accreditation.status
            if not can_move(before, AccreditationStatus.SUBMITTED):
                raise SubmissionError(_("This request cannot be submitted now."), code="invalid_transition")
            fingerprint = member_fingerprint(member)
            accreditation.status = AccreditationStatus.SUBMITTED
            accreditation.submitted_at = now
            accreditation.submitted_fingerprint = fingerprint
            accreditation.save()
            member.accreditation = accreditation
            if not member.is_locked:
                locked.append(member)
            member.is_locked = True
            member.save(update_fields=["is_locked", "updated_at"])
            audit_record(
                actor=actor,
                action="accreditation.submit",
                target=accreditation,
                before={"status": before},
                after={"status": AccreditationStatus.SUBMITTED},
            )
            fingerprints.append(f"{member.pk}:{fingerprint}")
        # The lock is a change of the member too: on the member's own history, in one write.
        audit_record_many(
            [(member, {"is_locked": False}, {"is_locked": True}) for member in locked],
            actor=actor,
            action="member.lock",
        )
        _submission_emails(
            delegation=delegation, members=to_submit, batch=_batch_key(fingerprints), site_url=site_url
        )
    return SubmissionResult(submitted=to_submit, unchanged=unchanged)


def _batch_key(fingerprints):
    return hashlib.sha256("|".join(sorted(fingerprints)).encode()).hexdigest()[:24]


def _submission_emails(*, delegation, members, batch, site_url):
    context = {"delegation_name": delegation.name, "members": members, "portal_url": f"{site_url}/portal/"}
    for focal_point in FocalPoint.objects.filter(delegation=delegation).select_related("user"):
        if focal_point.user.email:
            email_queue(
                to=focal_point.user.email,
                dedupe_key=f"submission:{delegation.pk}:{batch}:focal-point:{focal_point.user_id}",
                template="submission_focal_point",
                context=context,
                # Focal points store no language: the one they submit in is their best guess.
                language=translation.get_language(),
            )
    for member in members:
        if member.email:
            email_queue(
                to=member.email,
                dedupe_key=f"submission:member:{member.pk}:{member.accreditation.submitted_fingerprint[:24]}",
                template="submission_member",
                context={"delegation_name": delegation.name, "member": member},
                language=member.language,
            )
