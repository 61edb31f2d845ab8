"""Writes to the delegation itself: the details its focal point keeps."""

from django.db import transaction
from django.utils.translation import gettext as _

from delegations.errors import DelegationError
from delegations.models import Delegation, DelegationStatus
from delegations.services.common import audit_diff, lengths_check
from hanoi_summit.core.audit import audit_record

#: What a focal point may change about their delegation, by kind (a State's name is official).
DELEGATION_STATE_FIELDS = ("ministry", "mission", "address", "contact_email", "contact_phone", "language")
DELEGATION_ORGANISATION_FIELDS = ("name", "acronym", "address", "contact_email", "contact_phone", "language")


def delegation_editable_fields(*, delegation):
    return DELEGATION_STATE_FIELDS if delegation.is_state else DELEGATION_ORGANISATION_FIELDS


@transaction.atomic
def delegation_update(*, delegation, actor, data):
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
    lengths_check(Delegation, values)
    if not delegation.is_state and "name" in values and not values["name"]:
        raise DelegationError(_("The organisation's name is required."), code="required", field="name")
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
