"""Writes to the delegation itself: the details its focal point keeps."""

from django.db import transaction
from django.utils.translation import gettext as _

from delegations.errors import DelegationError
from delegations.models import Delegation, DelegationStatus
from delegations.services.common import audit_diff, lengths_check
from hanoi_summit.core.audit import audit_record

#: What a focal point may change about their delegation, by kind. The official name and
#: acronym (OFFICIAL_FIELDS) are not among them: an organisation proposes new ones.
DELEGATION_STATE_FIELDS = ("ministry", "mission", "address", "contact_email", "contact_phone", "language")
DELEGATION_ORGANISATION_FIELDS = (
    "proposed_name",
    "proposed_acronym",
    "address",
    "contact_email",
    "contact_phone",
    "language",
)
#: What badges, the List of Participants and the speakers' list print: the secretariat's to
#: change, in the admin (audited as delegation.rename).
OFFICIAL_FIELDS = ("name", "acronym", "country")


def delegation_editable_fields(*, delegation):
    return DELEGATION_STATE_FIELDS if delegation.is_state else DELEGATION_ORGANISATION_FIELDS


def _official(delegation, field):
    # The country is a Country object on the model; compare and audit its code.
    value = getattr(delegation, field)
    return str(value.code or "") if field == "country" else value


def _name_locked_check(delegation, data):
    for field in OFFICIAL_FIELDS:
        if field in data and str(data[field] or "").strip() != _official(delegation, field):
            raise DelegationError(
                _(
                    "The official name, acronym and country are changed by the secretariat only: "
                    "propose a new name or acronym instead."
                ),
                code="name_locked",
                field=field,
            )


@transaction.atomic
def delegation_update(*, delegation, actor, data):
    """Change the delegation's details that a focal point keeps (by kind).

    The official name, acronym and country may be sent unchanged; a change is refused
    (name_locked): an organisation proposes one (proposed_name, proposed_acronym) for the
    secretariat to accept (delegation_proposal_accept).
    Side effects: an invited delegation becomes registered; one audit entry.
    """
    _name_locked_check(delegation, data)
    allowed = delegation_editable_fields(delegation=delegation)
    for field, value in data.items():
        if field in OFFICIAL_FIELDS:
            continue  # unchanged (_name_locked_check)
        if field not in allowed and value != getattr(delegation, field, None):
            raise DelegationError(
                _("This cannot be changed here; ask the secretariat."), code="read_only", field=field
            )
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in allowed}
    lengths_check(Delegation, values)
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    before, after = audit_diff(delegation, values)
    for field, value in values.items():
        setattr(delegation, field, value)
    if delegation.status == DelegationStatus.INVITED:
        before["status"], after["status"] = delegation.status, DelegationStatus.REGISTERED
        delegation.status = DelegationStatus.REGISTERED
    delegation.save()
    if after:
        audit_record(actor=actor, action="delegation.update", target=delegation, before=before, after=after)
    return delegation


def _rename(delegation, *, values):
    before = {field: _official(delegation, field) for field in values}
    after = {field: str(value or "") for field, value in values.items() if str(value or "") != before[field]}
    before = {field: before[field] for field in after}
    for field, value in after.items():
        setattr(delegation, field, value)
    return before, after


@transaction.atomic
def delegation_proposal_accept(*, delegation, actor):
    """The secretariat makes the focal point's proposed name and acronym the official ones.

    Returns False (nothing done) when there is no proposal. Side effects: the proposal is
    cleared; one audit entry (delegation.rename) with the old and new name.
    """
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    proposed = {"name": delegation.proposed_name.strip(), "acronym": delegation.proposed_acronym.strip()}
    proposed = {field: value for field, value in proposed.items() if value}
    if not proposed:
        return False
    before, after = _rename(delegation, values=proposed)
    delegation.proposed_name = delegation.proposed_acronym = ""
    delegation.save()
    audit_record(
        actor=actor,
        action="delegation.rename",
        target=delegation,
        before=before,
        after=after,
        note="proposal accepted",
    )
    return True


#: What the secretariat sets in the admin: every field of the record, its status (confirmed,
#: withdrawn) and badge quota included.
SECRETARIAT_FIELDS = (
    "kind",
    "country",
    "name",
    "acronym",
    "proposed_name",
    "proposed_acronym",
    "code",
    "status",
    "badge_quota",
    "ministry",
    "mission",
    "address",
    "contact_email",
    "contact_phone",
    "language",
)


def delegation_secretariat_check(*, delegation, data):
    """The rules a secretariat change obeys (lengths; a badge quota not below the members
    already registered), checked again under the row lock by the service."""
    values = _secretariat_values(data)
    lengths_check(Delegation, {k: v for k, v in values.items() if isinstance(v, str)})
    quota = values.get("badge_quota")
    if delegation.pk and quota is not None:
        registered = delegation.members.count()
        if quota < registered:
            raise DelegationError(
                _("The delegation already has %(n)s members: the badge quota cannot be lower.")
                % {"n": registered},
                code="quota_below_members",
                field="badge_quota",
            )
    return values


def _secretariat_values(data):
    return {
        field: (value.strip() if isinstance(value, str) else value)
        for field, value in data.items()
        if field in SECRETARIAT_FIELDS
    }


@transaction.atomic
def delegation_create(*, actor, data):
    """The secretariat adds a delegation (the admin). Side effects: one audit entry."""
    delegation = Delegation()
    values = delegation_secretariat_check(delegation=delegation, data=data)
    after = audit_diff(Delegation(), values)[1]
    for field, value in values.items():
        setattr(delegation, field, value)
    delegation.save()
    audit_record(actor=actor, action="delegation.create", target=delegation, after=after)
    return delegation


@transaction.atomic
def delegation_secretariat_update(*, delegation, actor, data):
    """The secretariat changes a delegation (the admin): any of SECRETARIAT_FIELDS.

    Side effects: a change of the official name, acronym or country is one audit entry
    (delegation.rename), any other change one more (delegation.update); old and new values.
    """
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    values = delegation_secretariat_check(delegation=delegation, data=data)
    official = {field: values.pop(field) for field in OFFICIAL_FIELDS if field in values}
    rename_before, rename_after = _rename(delegation, values=official)
    before, after = audit_diff(delegation, values)
    for field, value in values.items():
        setattr(delegation, field, value)
    if not (after or rename_after):
        return delegation
    delegation.save()
    if rename_after:
        audit_record(
            actor=actor,
            action="delegation.rename",
            target=delegation,
            before=rename_before,
            after=rename_after,
        )
    if after:
        audit_record(actor=actor, action="delegation.update", target=delegation, before=before, after=after)
    return delegation


@transaction.atomic
def delegation_delete(*, delegation, actor):
    """The secretariat removes a delegation that has no members (each member's removal is
    its own audited change). Side effects: one audit entry with what the record held."""
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if delegation.members.exists():
        raise DelegationError(
            _("%(name)s still has members: remove them first.") % {"name": delegation.name},
            code="delegation_has_members",
        )
    held = audit_diff(Delegation(), {f: getattr(delegation, f) for f in SECRETARIAT_FIELDS})[1]
    audit_record(actor=actor, action="delegation.delete", target=delegation, before=held)
    delegation.delete()
