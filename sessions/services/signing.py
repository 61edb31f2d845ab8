"""The signing ceremony: declarations, full powers, the signing order and slots, signatures."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext as _

from delegations.errors import DelegationError
from delegations.models import SIGNATORY_KINDS, DelegationKind, DocumentKind
from delegations.selectors import focal_point_emails
from delegations.services import document_upload
from hanoi_summit.core.audit import audit_record
from hanoi_summit.core.clock import event_now
from hanoi_summit.core.outbox.queue import email_queue
from sessions.errors import ProgrammeError
from sessions.models import NO_FULL_POWERS_NEEDED, FullPowersStatus, SessionKind, Signature, SigningBasis


def _refusals():
    """The delegations documents service's refusals of a file, as the programme has always
    named and worded them (code, message)."""
    return {
        "document_too_large": ("file_too_large", _("The file is larger than 10 MB.")),
        "document_invalid": ("not_pdf", _("Full powers must be a PDF file.")),
    }


def signature_declare(*, delegation, signatory, basis, actor, intends_to_sign=True, now=None):
    """State a delegation's intention to sign, its signatory and the basis of authority.

    Heads of State, Heads of Government and Ministers for Foreign Affairs sign by virtue of
    their office; any other basis needs full powers, which are then awaited. A change of
    signatory or basis is a new confirmation: it resets the full powers and the slot.
    Side effects: the delegation's Signature (created or updated); an audit entry.
    """
    now = now or event_now()
    if delegation.kind not in SIGNATORY_KINDS:
        raise ProgrammeError(
            _("Only States and regional economic integration organisations sign the Convention."),
            code="not_a_signatory_kind",
        )
    if signatory is None or signatory.delegation_id != delegation.pk:
        raise ProgrammeError(
            _("The signatory must be a member of your delegation."),
            code="signatory_not_in_delegation",
            field="signatory",
        )
    if basis not in SigningBasis.values:
        raise ProgrammeError(_("Choose the basis of authority."), code="bad_basis", field="basis")
    with transaction.atomic():
        signature, created = Signature.objects.select_for_update().get_or_create(delegation=delegation)
        if signature.signed_at is not None:
            raise ProgrammeError(_("The Convention has already been signed."), code="already_signed")
        before = {"signatory": signature.signatory_id, "basis": signature.basis}
        changed = created or signature.signatory_id != signatory.pk or signature.basis != basis
        signature.intends_to_sign = intends_to_sign
        if changed:
            signature.signatory = signatory
            signature.basis = basis
            signature.full_powers = None
            signature.full_powers_note = ""
            signature.full_powers_status = (
                FullPowersStatus.NOT_REQUIRED if basis in NO_FULL_POWERS_NEEDED else FullPowersStatus.AWAITED
            )
            signature.confirmed_at = now
        if changed or not intends_to_sign:
            signature.slot_order = None
            signature.slot_starts_at = None
        signature.save()
        audit_record(
            actor=actor,
            action="signature.declare",
            target=signature,
            before=before,
            after={"signatory": signatory.pk, "basis": basis, "intends_to_sign": intends_to_sign},
        )
    return signature


def full_powers_upload(*, signature, delegation, upload, actor, reference=""):
    """Store the full powers of the signatory (a PDF checked by its content, not its name).

    Side effects: a delegations Document of kind full_powers, through the delegations documents
    service (its audit entry included); the signature's full powers become received (awaiting
    verification); an audit entry.
    """
    if signature.delegation_id != delegation.pk:
        raise ProgrammeError(_("This declaration is not your delegation's."), code="not_your_signature")
    if signature.basis != SigningBasis.FULL_POWERS:
        raise ProgrammeError(_("This signatory needs no full powers."), code="full_powers_not_required")
    with transaction.atomic():
        signature = Signature.objects.select_for_update().get(pk=signature.pk)
        if signature.full_powers_status == FullPowersStatus.VERIFIED:
            raise ProgrammeError(_("The full powers are already verified."), code="already_verified")
        try:
            document = document_upload(
                delegation=delegation,
                actor=actor,
                kind=DocumentKind.FULL_POWERS,
                upload=upload,
                reference=reference,
                member=signature.signatory,
            )
        except DelegationError as refused:
            code, message = _refusals().get(refused.code, (refused.code, refused.message))
            raise ProgrammeError(message, code=code, field=refused.field) from refused
        signature.full_powers = document
        signature.full_powers_status = FullPowersStatus.RECEIVED
        signature.full_powers_note = ""
        signature.save()
        audit_record(
            actor=actor,
            action="signature.full_powers_upload",
            target=signature,
            after={"document": document.pk},
        )
    return signature


def _email_focal_points(signature, *, template, key):
    delegation = signature.delegation
    for recipient in focal_point_emails(delegation=delegation):
        email_queue(
            to=recipient,
            dedupe_key=f"programme:signature:{signature.pk}:{key}:{recipient}",
            template=template,
            context={"signature": signature, "delegation": delegation},
            language=delegation.language,
        )


def full_powers_verify(*, signature, actor):
    """Secretariat accepts the full powers. Side effects: status verified; e-mail to the
    delegation's focal points; an audit entry."""
    with transaction.atomic():
        signature = Signature.objects.select_for_update().select_related("delegation").get(pk=signature.pk)
        if signature.full_powers_status != FullPowersStatus.RECEIVED:
            raise ProgrammeError(
                _("There are no full powers waiting for verification."), code="nothing_to_verify"
            )
        signature.full_powers_status = FullPowersStatus.VERIFIED
        signature.full_powers_note = ""
        signature.save()
        audit_record(actor=actor, action="signature.full_powers_verify", target=signature)
        _email_focal_points(
            signature, template="programme_full_powers_verified", key=f"verified:{signature.full_powers_id}"
        )
    return signature


def full_powers_refuse(*, signature, reason, actor):
    """Secretariat refuses the full powers, with the reason e-mailed to the focal points.

    Side effects: status refused, the reason kept; the slot cleared; e-mail; audit entry.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ProgrammeError(_("Give the reason for refusing."), code="reason_required", field="reason")
    with transaction.atomic():
        signature = Signature.objects.select_for_update().select_related("delegation").get(pk=signature.pk)
        if signature.full_powers_status not in (FullPowersStatus.RECEIVED, FullPowersStatus.VERIFIED):
            raise ProgrammeError(_("There are no full powers to refuse."), code="nothing_to_verify")
        if signature.signed_at is not None:
            raise ProgrammeError(_("The Convention has already been signed."), code="already_signed")
        signature.full_powers_status = FullPowersStatus.REFUSED
        signature.full_powers_note = reason
        signature.slot_order = None
        signature.slot_starts_at = None
        signature.save()
        audit_record(actor=actor, action="signature.full_powers_refuse", target=signature, note=reason)
        _email_focal_points(
            signature, template="programme_full_powers_refused", key=f"refused:{signature.full_powers_id}"
        )
    return signature


def signing_order_generate(*, ceremony, actor, slot_minutes=None):
    """Order the signatories and give each a slot from the ceremony's start.

    Order: the host country first, then the signatory's level of representation, then the
    time of confirmation. Only those with a signatory whose authority is settled (no full
    powers needed, or full powers verified) get a slot; everyone else's slot is cleared.
    Returns the ordered signatures. Side effects: slot order and time of every signature;
    an audit entry.
    """
    if ceremony.kind != SessionKind.SIGNING_CEREMONY:
        raise ProgrammeError(_("This session is not the signing ceremony."), code="not_signing_ceremony")
    slot_minutes = slot_minutes or settings.PROGRAMME_SIGNING_SLOT_MINUTES
    if not 1 <= slot_minutes <= 60:
        raise ProgrammeError(
            _("A slot lasts between 1 and 60 minutes."), code="bad_slot_length", field="slot_minutes"
        )
    slot = dt.timedelta(minutes=slot_minutes)
    with transaction.atomic():
        everyone = Signature.objects.select_for_update().filter(delegation__kind__in=SIGNATORY_KINDS)
        everyone.filter(signed_at__isnull=True).update(slot_order=None, slot_starts_at=None)
        eligible = (
            everyone.filter(intends_to_sign=True, signatory__isnull=False, signed_at__isnull=True)
            .exclude(basis="")
            .exclude(Q(basis=SigningBasis.FULL_POWERS) & ~Q(full_powers_status=FullPowersStatus.VERIFIED))
            .annotate(
                host=Case(
                    When(delegation__kind=DelegationKind.HOST_COUNTRY, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .select_related("delegation", "signatory")
            .order_by("host", "signatory__protocol_rank", "confirmed_at", "id")
        )
        # Signatures already made keep their place at the head of the order.
        signed = everyone.filter(signed_at__isnull=False).order_by("signed_at")
        start = ceremony.starts_at
        ordered = []
        for index, signature in enumerate([*signed, *eligible], start=1):
            signature.slot_order = index
            if signature.signed_at is None:
                signature.slot_starts_at = start + slot * (index - 1)
            signature.save(update_fields=["slot_order", "slot_starts_at"])
            ordered.append(signature)
        audit_record(
            actor=actor,
            action="signing.order",
            target=ceremony,
            after={"slots": len(ordered), "minutes": slot_minutes},
        )
    return ordered


def signature_record(*, signature, actor, now=None):
    """Record that the signatory has signed, with the time. Side effects: signed_at and
    recorded_by; an audit entry."""
    now = now or event_now()
    with transaction.atomic():
        signature = Signature.objects.select_for_update().get(pk=signature.pk)
        if signature.signed_at is not None:
            raise ProgrammeError(_("This signature is already recorded."), code="already_signed")
        if signature.slot_order is None:
            raise ProgrammeError(_("This delegation has no signing slot."), code="no_slot")
        signature.signed_at = now
        signature.recorded_by = actor
        signature.save(update_fields=["signed_at", "recorded_by"])
        audit_record(
            actor=actor, action="signature.record", target=signature, after={"signed_at": now.isoformat()}
        )
    return signature
