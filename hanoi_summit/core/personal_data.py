"""Everything the event holds about one person, gathered from every app, for a data request.

A focal point asks from the portal (delegations), but the data lives in apps above it too
(accreditation, the programme). So, as with `restrict_fields`, each app registers in its
ready() a section: a function member -> JSON-able records, and optionally one member ->
[(name in the archive, stored file)]. Each section lists its fields one by one: a field added
later (a secret, a staff note) stays out until someone decides it belongs to the person.
"""

import datetime as dt
import decimal
import json
import zipfile
from io import BytesIO

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise

#: section name -> (records(member), files(member) or None), in registration order.
_SECTIONS = {}


def member_data_section(name, records, files=None):
    """Register the section `name` of a person's data (see the module)."""
    _SECTIONS[name] = (records, files)


def json_value(value):
    """A field's value as JSON holds it: dates in ISO 8601, related rows by their name."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | Promise):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    code = getattr(value, "code", None)  # a django-countries Country
    if isinstance(code, str):
        return code
    return str(value)


def record_of(instance, fields):
    """{field: JSON value} of `instance`'s `fields` (names, or attributes such as "get_x_display")."""
    return {field: json_value(getattr(instance, field)) for field in fields}


def member_data(member):
    """{section: records} of every registered section, for `member`."""
    return {name: records(member) for name, (records, _files) in _SECTIONS.items()}


def member_data_zip(member):
    """A ZIP holding data.json (every section) and the stored files (photo, documents)."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        content = {"generated_at": json_value(timezone.now()), **member_data(member)}
        archive.writestr("data.json", json.dumps(content, ensure_ascii=False, indent=2))
        for _records, files in _SECTIONS.values():
            for name, stored in files(member) if files else ():
                with stored.open("rb") as f:
                    archive.writestr(name, f.read())
    return buffer.getvalue()
