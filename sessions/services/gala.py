"""The gala dinner: invitations to heads of delegation, their answers, the hall's capacity."""

from django.db import transaction
from django.utils.translation import gettext as _

from delegations.models import SIGNATORY_KINDS, DelegationStatus, Member, MemberRole
from hanoi_summit.core.audit import audit_record
from hanoi_summit.core.clock import event_now
from hanoi_summit.core.outbox.queue import email_queue
from sessions.errors import ProgrammeError
from sessions.models import GalaInvitation, Session, SessionKind
from sessions.selectors import gala_seats_taken


def gala_invite_heads(*, session, actor):
    """Invite every head of delegation not yet invited; heads of States and of regional
    organisations may bring one guest. Returns the number of new invitations.

    Side effects: GalaInvitation rows; one e-mail per new invitation to the head (or the
    delegation's contact address); an audit entry.
    """
    if session.kind != SessionKind.GALA_DINNER:
        raise ProgrammeError(_("This session is not the gala dinner."), code="not_gala")
    heads = (
        Member.objects.filter(role=MemberRole.HEAD)
        .exclude(delegation__status=DelegationStatus.WITHDRAWN)
        .exclude(gala_invitations__session=session)
        .select_related("delegation")
    )
    created = 0
    with transaction.atomic():
        for head in heads:
            invitation = GalaInvitation.objects.create(
                session=session, member=head, guest_allowed=head.delegation.kind in SIGNATORY_KINDS
            )
            created += 1
            recipient = head.email or head.delegation.contact_email
            if recipient:
                email_queue(
                    to=recipient,
                    dedupe_key=f"programme:gala:{invitation.pk}:invited",
                    template="programme_gala_invitation",
                    context={"invitation": invitation, "member": head, "session": session},
                    language=head.language,
                )
        audit_record(actor=actor, action="gala.invite", target=session, after={"invited": created})
    return created


def gala_respond(*, invitation, delegation, accept, actor, guest_name="", dietary_needs=""):
    """Accept or decline the gala invitation of a delegation's head.

    Accepting needs a seat for the head (and the guest, if named): the banquet hall's
    capacity is checked under a lock on the gala session.
    Side effects: the invitation's answer; an audit entry; a confirmation e-mail on accept.
    """
    if invitation.member.delegation_id != delegation.pk:
        raise ProgrammeError(_("This invitation is not your delegation's."), code="not_your_invitation")
    guest_name = guest_name.strip()
    if guest_name and not invitation.guest_allowed:
        raise ProgrammeError(
            _("This invitation does not include a guest."), code="guest_not_allowed", field="guest_name"
        )
    with transaction.atomic():
        session = Session.objects.select_for_update().select_related("room").get(pk=invitation.session_id)
        invitation = GalaInvitation.objects.select_for_update().get(pk=invitation.pk)
        if accept:
            needed = 2 if guest_name else 1
            if gala_seats_taken(session=session, excluding=invitation) + needed > session.seats:
                raise ProgrammeError(_("The banquet hall is full."), code="gala_full")
        before = {"status": invitation.status}
        invitation.status = GalaInvitation.Status.ACCEPTED if accept else GalaInvitation.Status.DECLINED
        invitation.guest_name = guest_name if accept else ""
        invitation.dietary_needs = dietary_needs.strip() if accept else ""
        invitation.responded_at = event_now()
        invitation.save()
        audit_record(
            actor=actor,
            action="gala.respond",
            target=invitation,
            before=before,
            after={"status": invitation.status},
        )
        member = invitation.member
        recipient = member.email or (actor.email if actor else "")
        if accept and recipient:
            email_queue(
                to=recipient,
                dedupe_key=f"programme:gala:{invitation.pk}:accepted:{invitation.responded_at.isoformat()}",
                template="programme_gala_accepted",
                context={"invitation": invitation, "member": member, "session": session},
                language=member.language,
            )
    return invitation
