"""What every delegations service shares: field limits from the model, the audit diff."""

import datetime as dt

from django.utils.translation import gettext as _

from delegations.errors import DelegationError
from delegations.models import PASSPORT_FIELDS

#: Passport data never goes into the audit trail in clear.
_SECRET_FIELDS = set(PASSPORT_FIELDS)


def lengths_check(model, values):
    """Refuse a text longer than its model field allows, naming the field."""
    for field, value in values.items():
        max_length = model._meta.get_field(field).max_length
        if max_length and isinstance(value, str) and len(value) > max_length:
            raise DelegationError(
                _("At most %(max)s characters (this has %(n)s).") % {"max": max_length, "n": len(value)},
                code="too_long",
                field=field,
            )


#: What stands for the hidden part of a passport value in the audit trail.
MASK = "••••"


def audit_mask(field, value):
    """A passport value as the audit trail keeps it: the number's last characters (at most
    four, never more than half of it: enough to tell two passports apart), "••••" for a
    date; None and empty values as they are."""
    if not value:
        return value
    if field == "passport_number":
        shown = min(4, len(str(value)) // 2)
        return f"{MASK} {str(value)[-shown:]}" if shown else MASK
    return MASK


def audit_value(field, value):
    if field in _SECRET_FIELDS:
        return audit_mask(field, value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value) if value is not None else None


def audit_diff(instance, values):
    """(before, after) of the fields `values` changes on `instance`, as the audit trail keeps them."""
    before, after = {}, {}
    for field, value in values.items():
        old = getattr(instance, field)
        if old != value:
            before[field] = audit_value(field, old)
            after[field] = audit_value(field, value)
    return before, after
