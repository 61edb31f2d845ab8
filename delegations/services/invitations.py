"""Invitations: one-use links e-mailed to future focal points, and their acceptance."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from delegations.errors import DelegationError
from delegations.models import DelegationStatus, FocalPoint, Invitation
from hanoi_summit.core.audit import audit_record
from hanoi_summit.core.outbox.queue import email_queue


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
            "expires_at": invitation.expires_at,
            # Lazy: email_queue renders them in the recipient's language.
            "event_name": gettext_lazy(settings.EVENT_LONG_NAME),
            "event_dates": gettext_lazy(settings.EVENT_DATES),
        },
        # The link opens an account: sealed in the outbox, which staff read.
        secrets={"link": link},
    )
    return token


@transaction.atomic
def invitation_create(*, delegation, email, actor, site_url):
    """Invite `email` to act for `delegation`; a still-open invitation to the same address is resent.

    Side effects: a new token (the old one stops working), one e-mail queued, one audit entry.
    Returns (invitation, token): the token exists nowhere else, only its digest is stored.
    """
    email = (email or "").strip().lower()
    try:
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
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            token_digest=secrets.token_hex(32),
            expires_at=timezone.now(),
        )
    token = _invitation_send(invitation=invitation, site_url=site_url)
    audit_record(actor=actor, action=action, target=invitation, after={"email": email})
    return invitation, token


@transaction.atomic
def invitation_resend(*, invitation, actor, site_url):
    """Send the invitation again with a new token and expiry; the old link stops working."""
    invitation = Invitation.objects.select_for_update().select_related("delegation").get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise DelegationError(_("This invitation was already used or revoked."), code="invitation_closed")
    token = _invitation_send(invitation=invitation, site_url=site_url)
    audit_record(actor=actor, action="invitation.resend", target=invitation)
    return invitation, token


@transaction.atomic
def invitation_revoke(*, invitation, actor):
    """Make the invitation's link stop working. Side effects: one audit entry."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise DelegationError(_("This invitation was already accepted."), code="invitation_closed")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="invitation.revoke", target=invitation)
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
    the invitation marked accepted, an invited delegation becomes registered; audit entries
    for the invitation and the delegation's change.
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
    audit_record(actor=user, action="invitation.accept", target=invitation)
    if delegation.status == DelegationStatus.INVITED:
        delegation.status = DelegationStatus.REGISTERED
        delegation.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=user,
            action="delegation.update",
            target=delegation,
            before={"status": str(DelegationStatus.INVITED)},
            after={"status": str(DelegationStatus.REGISTERED)},
        )
    return user


@transaction.atomic
def invitations_import(*, rows, actor, site_url):
    """Invite every (delegation, e-mail) row, all or nothing. Rows come from
    `invitations.invitation_rows_parse` and must carry no errors."""
    if not rows or any(row.errors for row in rows):
        raise DelegationError(_("Correct the rows with errors first; nothing was sent."), code="invalid_rows")
    return [
        invitation_create(delegation=row.delegation, email=row.email, actor=actor, site_url=site_url)[0]
        for row in rows
    ]


@transaction.atomic
def focal_point_remove(*, focal_point, actor):
    """The secretariat takes a focal point's access to its delegation away (the account
    stays). Side effects: one audit entry on the delegation naming the account."""
    audit_record(
        actor=actor,
        action="delegation.focal_point_remove",
        target=focal_point.delegation,
        before={"focal_point": focal_point.user.get_username()},
        after={"focal_point": None},
    )
    focal_point.delete()
