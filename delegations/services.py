"""Every write of the delegations app: delegation details, members, documents, invitations.

Services are atomic, take keyword-only arguments and raise `DelegationError` with a code
(and the form field it concerns, when there is one). Views, forms and the API only call them.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from delegations.documents import document_clean
from delegations.errors import DelegationError
from delegations.models import (
    PASSPORT_FIELDS,
    Delegation,
    DelegationStatus,
    Document,
    DocumentKind,
    FocalPoint,
    Invitation,
    Member,
    MemberRole,
)
from delegations.photos import photo_clean
from hanoi_summit.core.audit import audit_record
from hanoi_summit.core.outbox.queue import email_queue

#: What a focal point may change about their delegation, by kind (a State's name is official).
DELEGATION_STATE_FIELDS = ("ministry", "mission", "address", "contact_email", "contact_phone", "language")
DELEGATION_ORGANISATION_FIELDS = ("name", "acronym", "address", "contact_email", "contact_phone", "language")

#: The member's data a focal point keeps (the photo has its own service).
MEMBER_FIELDS = (
    "title",
    "family_name",
    "given_names",
    "badge_name",
    "function",
    "protocol_rank",
    "role",
    "gender",
    "date_of_birth",
    "nationality",
    "passport_number",
    "passport_expiry",
    "email",
    "phone",
    "language",
    "arrival",
    "departure",
    "dietary_needs",
    "accessibility_needs",
)
#: Passport data never goes into the audit trail in clear.
_SECRET_FIELDS = set(PASSPORT_FIELDS)


def delegation_editable_fields(*, delegation):
    return DELEGATION_STATE_FIELDS if delegation.is_state else DELEGATION_ORGANISATION_FIELDS


def _on_commit_delete(file_field_value):
    """Remove a replaced or orphaned upload once the change that dropped it is committed."""
    if not file_field_value:
        return
    storage, name = file_field_value.storage, file_field_value.name
    transaction.on_commit(lambda: storage.delete(name))


def _audit_value(field, value):
    if field in _SECRET_FIELDS and value:
        return "***"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value) if value is not None else None


def _diff(instance, values):
    before, after = {}, {}
    for field, value in values.items():
        old = getattr(instance, field)
        if old != value:
            before[field] = _audit_value(field, old)
            after[field] = _audit_value(field, value)
    return before, after


def _check_lengths(model, values):
    for field, value in values.items():
        max_length = model._meta.get_field(field).max_length
        if max_length and isinstance(value, str) and len(value) > max_length:
            raise DelegationError(
                _("At most %(max)s characters (this has %(n)s).") % {"max": max_length, "n": len(value)},
                code="too_long",
                field=field,
            )


# --- Delegation -------------------------------------------------------------------------


@transaction.atomic
def delegation_update(*, delegation, user, data):
    """Change the delegation's details that a focal point keeps (by kind).

    Side effects: an invited delegation becomes registered; one audit entry.
    """
    allowed = delegation_editable_fields(delegation=delegation)
    for field, value in data.items():
        if field not in allowed and value != getattr(delegation, field, None):
            raise DelegationError(
                _("This cannot be changed here; ask the secretariat."), code="read_only", field=field
            )
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in allowed}
    _check_lengths(Delegation, values)
    if not delegation.is_state and "name" in values and not values["name"]:
        raise DelegationError(_("The organisation's name is required."), code="required", field="name")
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    before, after = _diff(delegation, values)
    for field, value in values.items():
        setattr(delegation, field, value)
    if delegation.status == DelegationStatus.INVITED:
        before["status"], after["status"] = delegation.status, DelegationStatus.REGISTERED
        delegation.status = DelegationStatus.REGISTERED
    delegation.save()
    if after:
        audit_record(actor=user, action="delegation.update", target=delegation, before=before, after=after)
    return delegation


# --- Members ----------------------------------------------------------------------------


def _passport_normalise(number):
    return "".join(number.split()).upper() if number else ""


def _member_values(data):
    values = {}
    for field in MEMBER_FIELDS:
        if field in data:
            value = data[field]
            if isinstance(value, str):
                value = value.strip()
            values[field] = "" if value is None and _is_text(field) else value
    if "passport_number" in values:
        values["passport_number"] = _passport_normalise(values["passport_number"])
    return values


def _is_text(field):
    return Member._meta.get_field(field).get_internal_type() in {"CharField", "EmailField"} or field in {
        "nationality"
    }


def _member_check(*, delegation, member, values):
    """The rules a member's data obeys, whoever writes it (portal form or API)."""
    _check_lengths(Member, {k: v for k, v in values.items() if isinstance(v, str)})
    merged = {field: getattr(member, field) for field in MEMBER_FIELDS} | values
    if not merged["family_name"]:
        raise DelegationError(
            _("The family name is required, as written in the passport."),
            code="required",
            field="family_name",
        )
    if not merged["badge_name"]:
        full = f"{merged['given_names']} {merged['family_name']}".strip()
        if len(full) > Member._meta.get_field("badge_name").max_length:
            raise DelegationError(
                _("Give a shorter name for the badge (at most 80 characters)."),
                code="required",
                field="badge_name",
            )
        values["badge_name"] = full
    today = timezone.localdate()
    if merged["date_of_birth"] and merged["date_of_birth"] >= today:
        raise DelegationError(
            _("The date of birth must be in the past."), code="invalid_date", field="date_of_birth"
        )
    expiry = merged["passport_expiry"]
    if expiry:
        must_last_until = max(today, dt.date.fromisoformat(settings.EVENT_LAST_DAY))
        if expiry < today:
            raise DelegationError(
                _("This passport has expired. Enter a valid passport."),
                code="passport_expired",
                field="passport_expiry",
            )
        if expiry < must_last_until:
            raise DelegationError(
                _("The passport must be valid until the end of the event."),
                code="passport_expired",
                field="passport_expiry",
            )
    if merged["arrival"] and merged["departure"] and merged["departure"] < merged["arrival"]:
        raise DelegationError(
            _("The departure must be after the arrival."), code="invalid_dates", field="departure"
        )
    passport = merged["passport_number"]
    if passport and Member.objects.filter(passport_number=passport).exclude(pk=member.pk).exists():
        raise DelegationError(
            _("This passport number is already registered for the event."),
            code="duplicate_passport",
            field="passport_number",
        )
    if (
        merged["role"] == MemberRole.HEAD
        and Member.objects.filter(delegation=delegation, role=MemberRole.HEAD).exclude(pk=member.pk).exists()
    ):
        raise DelegationError(
            _("The delegation already has a head of delegation."), code="duplicate_head", field="role"
        )


def _member_save(member, *, new_photo=False):
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        if new_photo:
            member.photo.storage.delete(member.photo.name)
        # A concurrent write got there first; the checks above give the usual reasons.
        raise DelegationError(
            _("This passport number or head of delegation is already registered."), code="conflict"
        ) from exc


@transaction.atomic
def member_create(*, delegation, user, data, photo=None):
    """Add a member to `delegation`, with an optional photo (checked and re-encoded).

    Refused beyond the delegation's badge quota, for a passport already in the event, a
    second head of delegation, an expired passport. Side effects: one audit entry.
    """
    clean_photo = photo_clean(photo) if photo else None
    # The row lock makes two simultaneous additions count one after the other.
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if Member.objects.filter(delegation=delegation).count() >= delegation.badge_quota:
        raise DelegationError(
            _(
                "The delegation's badge quota of %(quota)s members is reached. Contact the secretariat to raise it."
            )
            % {"quota": delegation.badge_quota},
            code="quota_exceeded",
        )
    member = Member(delegation=delegation)
    values = _member_values(data)
    _member_check(delegation=delegation, member=member, values=values)
    for field, value in values.items():
        setattr(member, field, value)
    if clean_photo is not None:
        member.photo.save(clean_photo.name, clean_photo, save=False)
    _member_save(member, new_photo=clean_photo is not None)
    audit_record(actor=user, action="member.create", target=member, after=_diff(Member(), values)[1])
    return member


def _member_lock_for_edit(member):
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.is_locked:
        raise DelegationError(
            _("%(name)s is under review and cannot be changed now.") % {"name": member.full_name},
            code="member_locked",
        )
    return member


@transaction.atomic
def member_update(*, member, user, data, photo=None):
    """Change a member's data (and photo, if given). Refused while the member is locked for review.

    Side effects: the replaced photo file is deleted after commit; one audit entry.
    """
    clean_photo = photo_clean(photo) if photo else None
    member = _member_lock_for_edit(member)
    values = _member_values(data)
    _member_check(delegation=member.delegation, member=member, values=values)
    before, after = _diff(member, values)
    for field, value in values.items():
        setattr(member, field, value)
    if clean_photo is not None:
        _on_commit_delete(member.photo)
        member.photo.save(clean_photo.name, clean_photo, save=False)
        after["photo"] = "new"
    _member_save(member, new_photo=clean_photo is not None)
    if after:
        audit_record(actor=user, action="member.update", target=member, before=before, after=after)
    return member


@transaction.atomic
def member_photo_set(*, member, user, upload):
    """Replace a member's photo with the checked, re-encoded upload. Side effects as member_update."""
    return member_update(member=member, user=user, data={}, photo=upload)


@transaction.atomic
def member_delete(*, member, user):
    """Remove a member (and their photo file after commit). Refused while locked for review."""
    member = _member_lock_for_edit(member)
    audit_record(actor=user, action="member.delete", target=member)
    _on_commit_delete(member.photo)
    member.delete()


# --- Documents --------------------------------------------------------------------------


@transaction.atomic
def document_upload(*, delegation, user, kind, upload, reference="", date=None, member=None):
    """Store a PDF for the delegation, checked by content. Full powers name a member of it.

    Side effects: one audit entry.
    """
    if kind not in DocumentKind.values:
        raise DelegationError(_("Choose the kind of document."), code="invalid", field="kind")
    if kind == DocumentKind.FULL_POWERS and (member is None or member.delegation_id != delegation.pk):
        raise DelegationError(
            _("Full powers name a member of the delegation."), code="invalid", field="member"
        )
    _check_lengths(Document, {"reference": reference})
    content = document_clean(upload)
    document = Document(
        delegation=delegation,
        member=member if kind == DocumentKind.FULL_POWERS else None,
        kind=kind,
        reference=reference.strip(),
        date=date,
        original_name=(getattr(upload, "name", "") or "")[-200:],
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    document.file.save(content.name, content, save=False)
    document.save()
    audit_record(actor=user, action="document.upload", target=document, after={"kind": kind})
    return document


@transaction.atomic
def document_delete(*, document, user):
    """Remove a document uploaded by mistake; refused while members are under review, and for
    full powers (the signing page of the programme owns them and their verification)."""
    if document.kind == DocumentKind.FULL_POWERS:
        raise DelegationError(
            _("Full powers are replaced on the signing page, not removed here."), code="full_powers_kept"
        )
    if Member.objects.filter(delegation_id=document.delegation_id, is_locked=True).exists():
        raise DelegationError(
            _("Documents cannot be removed while members are under review."), code="delegation_locked"
        )
    audit_record(actor=user, action="document.delete", target=document)
    _on_commit_delete(document.file)
    document.delete()


# --- Invitations ------------------------------------------------------------------------


def invitation_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _invitation_send(*, invitation, site_url):
    """Give the invitation a fresh token and queue the e-mail carrying it; return the token."""
    token = secrets.token_urlsafe(32)
    invitation.token_digest = invitation_digest(token)
    invitation.expires_at = timezone.now() + dt.timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.sent_count += 1
    invitation.save()
    link = site_url.rstrip("/") + reverse("portal:invitation-accept", kwargs={"token": token})
    email_queue(
        to=invitation.email,
        dedupe_key=f"invitation:{invitation.pk}:{invitation.sent_count}",
        template="invitation",
        language=invitation.delegation.language,
        context={
            "delegation_name": invitation.delegation.name,
            "link": link,
            "expires_at": invitation.expires_at,
            # Lazy: email_queue renders them in the recipient's language.
            "event_name": gettext_lazy(settings.EVENT_LONG_NAME),
            "event_dates": gettext_lazy(settings.EVENT_DATES),
        },
    )
    return token


@transaction.atomic
def invitation_create(*, delegation, email, created_by, site_url):
    """Invite `email` to act for `delegation`; a still-open invitation to the same address is resent.

    Side effects: a new token (the old one stops working), one e-mail queued, one audit entry.
    Returns (invitation, token): the token exists nowhere else, only its digest is stored.
    """
    email = (email or "").strip().lower()
    try:
        from django.core.validators import validate_email

        validate_email(email)
    except ValidationError as exc:
        raise DelegationError(
            _("Enter a valid e-mail address."), code="invalid_email", field="email"
        ) from exc
    invitation = (
        Invitation.objects.select_for_update()
        .filter(delegation=delegation, email=email, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    action = "invitation.resend"
    if invitation is None:
        action = "invitation.create"
        invitation = Invitation(
            delegation=delegation,
            email=email,
            created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
            token_digest=secrets.token_hex(32),
            expires_at=timezone.now(),
        )
    token = _invitation_send(invitation=invitation, site_url=site_url)
    audit_record(actor=created_by, action=action, target=invitation, after={"email": email})
    return invitation, token


@transaction.atomic
def invitation_resend(*, invitation, user, site_url):
    """Send the invitation again with a new token and expiry; the old link stops working."""
    invitation = Invitation.objects.select_for_update().select_related("delegation").get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise DelegationError(_("This invitation was already used or revoked."), code="invitation_closed")
    token = _invitation_send(invitation=invitation, site_url=site_url)
    audit_record(actor=user, action="invitation.resend", target=invitation)
    return invitation, token


@transaction.atomic
def invitation_revoke(*, invitation, user):
    """Make the invitation's link stop working. Side effects: one audit entry."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise DelegationError(_("This invitation was already accepted."), code="invitation_closed")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(actor=user, action="invitation.revoke", target=invitation)
    return invitation


def invitation_find(*, token, lock=False):
    """The open invitation for `token`, or DelegationError with code unknown/used/revoked/expired."""
    queryset = Invitation.objects.select_related("delegation")
    if lock:
        queryset = queryset.select_for_update()
    invitation = queryset.filter(token_digest=invitation_digest(token or "")).first()
    if invitation is None:
        raise DelegationError(_("This invitation link is not valid."), code="invitation_unknown")
    if invitation.accepted_at:
        raise DelegationError(
            _("This invitation was already used. Log in with the password you chose."), code="invitation_used"
        )
    if invitation.revoked_at:
        raise DelegationError(
            _("This invitation was withdrawn by the secretariat."), code="invitation_revoked"
        )
    if invitation.expires_at <= timezone.now():
        raise DelegationError(
            _("This invitation has expired. Ask the secretariat to send a new one."),
            code="invitation_expired",
        )
    return invitation


@transaction.atomic
def invitation_accept(*, token, password):
    """Accept an invitation: create the user (named by the invited e-mail) and its focal point.

    Refused for an unknown, used, revoked or expired token, an e-mail that already has an
    account, and a password Django's validators refuse. Side effects: a User, a FocalPoint,
    the invitation marked accepted, an invited delegation becomes registered, one audit entry.
    """
    invitation = invitation_find(token=token, lock=True)
    User = get_user_model()
    username = invitation.email.lower()
    if User.objects.filter(username__iexact=username).exists():
        raise DelegationError(
            _("An account for this e-mail address already exists. Log in, or ask the secretariat."),
            code="account_exists",
        )
    candidate = User(username=username, email=invitation.email)
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as exc:
        raise DelegationError(" ".join(exc.messages), code="weak_password", field="password1") from exc
    user = User.objects.create_user(username=username, email=invitation.email, password=password)
    FocalPoint.objects.create(user=user, delegation=invitation.delegation)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    delegation = invitation.delegation
    if delegation.status == DelegationStatus.INVITED:
        delegation.status = DelegationStatus.REGISTERED
        delegation.save(update_fields=["status", "updated_at"])
    audit_record(actor=user, action="invitation.accept", target=invitation)
    return user


@transaction.atomic
def invitations_import(*, rows, created_by, site_url):
    """Invite every (delegation, e-mail) row, all or nothing. Rows come from
    `invitations.invitation_rows_parse` and must carry no errors."""
    if not rows or any(row.errors for row in rows):
        raise DelegationError(_("Correct the rows with errors first; nothing was sent."), code="invalid_rows")
    return [
        invitation_create(
            delegation=row.delegation, email=row.email, created_by=created_by, site_url=site_url
        )[0]
        for row in rows
    ]
