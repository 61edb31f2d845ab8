"""The plenary speakers' list: requests from delegations, protocol's ordering, closing."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hanoi_summit.core.audit import audit_record
from hanoi_summit.core.clock import event_now
from sessions.errors import ProgrammeError
from sessions.models import Session, SessionKind, SpeakerRequest
from sessions.selectors import speakers_list


def speaker_request_create(*, session, delegation, speaker, actor):
    """Put `delegation` on the speakers' list of a plenary, with `speaker` (one of its members).

    The entry's level is the speaker's protocol rank at the time of the request.
    Side effects: one SpeakerRequest; an audit entry.
    """
    if speaker.delegation_id != delegation.pk:
        raise ProgrammeError(
            _("The speaker must be a member of your delegation."), code="member_not_in_delegation"
        )
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.kind != SessionKind.PLENARY or session.is_cancelled:
            raise ProgrammeError(_("This session has no speakers' list."), code="no_speakers_list")
        if session.speakers_list_closed_at is not None:
            raise ProgrammeError(_("The speakers' list is closed."), code="speakers_list_closed")
        try:
            with transaction.atomic():
                entry = SpeakerRequest.objects.create(
                    session=session, delegation=delegation, speaker=speaker, level=speaker.protocol_rank
                )
        except IntegrityError as exc:
            raise ProgrammeError(
                _("Your delegation is already on this speakers' list."), code="already_requested"
            ) from exc
        audit_record(actor=actor, action="speakers.request", target=entry, after={"speaker": speaker.pk})
    return entry


def speaker_request_withdraw(*, entry, delegation, actor):
    """Take a delegation's request off the list. Side effects: status withdrawn; audit entry."""
    if entry.delegation_id != delegation.pk:
        raise ProgrammeError(_("This request is not your delegation's."), code="not_your_request")
    if entry.status != SpeakerRequest.Status.REQUESTED:
        raise ProgrammeError(_("This request can no longer be withdrawn."), code="request_not_active")
    entry.status = SpeakerRequest.Status.WITHDRAWN
    entry.save(update_fields=["status"])
    audit_record(actor=actor, action="speakers.withdraw", target=entry)
    return entry


def speakers_list_move(*, entry, position, actor):
    """Move one entry to `position` (1-based) in the list. Protocol's order then becomes the
    manual order of the whole list: every entry gets its explicit position, so later requests
    join at the end until protocol moves them.
    Side effects: positions of the session's entries; an audit entry.
    """
    with transaction.atomic():
        Session.objects.select_for_update().get(pk=entry.session_id)
        ordered = list(speakers_list(session=entry.session))
        if entry.pk not in {e.pk for e in ordered}:
            raise ProgrammeError(_("This entry is not on the list."), code="request_not_active")
        if not 1 <= position <= len(ordered):
            raise ProgrammeError(
                _("Position must be between 1 and %(n)s.") % {"n": len(ordered)},
                code="bad_position",
                field="position",
            )
        ordered = [e for e in ordered if e.pk != entry.pk]
        ordered.insert(position - 1, entry)
        for index, item in enumerate(ordered, start=1):
            if item.position != index:
                item.position = index
                item.save(update_fields=["position"])
        audit_record(actor=actor, action="speakers.move", target=entry, after={"position": position})
    return entry


def speakers_list_close(*, session, actor, closed=True):
    """Close (or reopen) a session's speakers' list. Side effects: the session; audit entry."""
    session.speakers_list_closed_at = event_now() if closed else None
    session.save(update_fields=["speakers_list_closed_at", "updated_at"])
    audit_record(actor=actor, action="speakers.close" if closed else "speakers.reopen", target=session)
    return session
