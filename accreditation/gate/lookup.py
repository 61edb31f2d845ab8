"""A gate account's API token, its user and "may this account check in?", read in one query.

Every scan a device sends pays for authentication, so the token, its user and the
`accreditation.check_in` permission (the user's own or a group's) are one hand-written
prepared SELECT instead of DRF's three ORM queries, whose compilation alone cost more CPU
than the round trip. ``with_scan`` appends the scan's zone and badge lookup
(checkin.SCAN_LOOKUP_SQL) to the same row: a device's scan then reads everything it needs
before its INSERT in one round trip.
"""

import functools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.authtoken.models import Token

from accreditation.gate import scan as checkin
from accreditation.gate.scan import execute_prepared

#: True when the token's user holds accreditation.check_in, directly or through a group.
#: Written as SQL: the same test built with the ORM (an OR across two joins) cost more CPU
#: to compile than the rest of a scan. The permission's id is looked up once per query, then
#: each EXISTS is one probe of a unique (owner, permission) index; a plain OR over two IN
#: lists made PostgreSQL hash every group's permissions on every scan.
_MAY_CHECK_IN = """
    EXISTS (
        SELECT 1 FROM auth_user_groups ug
        JOIN auth_group_permissions gp ON gp.group_id = ug.group_id
        WHERE ug.user_id = t.user_id AND gp.permission_id = (SELECT id FROM check_in)
    ) OR EXISTS (
        SELECT 1 FROM auth_user_user_permissions up
        WHERE up.user_id = t.user_id AND up.permission_id = (SELECT id FROM check_in)
    )
"""
#: The permission's id, as a CTE the query starts with: two probes of unique indexes,
#: (app_label, model) then (content type, codename). It is declared on Scan's Meta.
_CHECK_IN_PERMISSION = """
    WITH check_in AS (
        SELECT p.id FROM auth_permission p
        WHERE p.codename = 'check_in' AND p.content_type_id = (
            SELECT ct.id FROM django_content_type ct
            WHERE ct.app_label = 'accreditation' AND ct.model = 'scan'
        )
    )
"""

#: The user's columns a gate request needs; the others stay deferred (loaded if ever read).
_USER_FIELDS = ("id", "username", "is_active", "is_staff", "is_superuser")
_TOKEN_FIELDS = ("key", "user_id", "created")


def _fields_in_order(model, names):
    # Model.from_db expects the loaded columns in the model's field order.
    return [f.attname for f in model._meta.concrete_fields if f.attname in names]


@dataclass(frozen=True)
class GateAccount:
    """The account of a "Token <key>" header, and whether it may scan badges.

    Plain values: a device's scan needs only the id; DRF's authentication asks for the
    model instances (``user_and_token``), built from the same row.
    """

    user_id: int
    is_active: bool
    may_check_in: bool
    #: The user's then the token's columns, in _columns() order.
    columns: tuple

    def user_and_token(self):
        user_model, user_fields, token_fields = _columns()
        count = len(user_fields)
        user = user_model.from_db(connection.alias, user_fields, self.columns[:count])
        token = Token.from_db(connection.alias, token_fields, self.columns[count:])
        token.user = user
        user.may_check_in = self.may_check_in
        return user, token


@functools.cache
def _columns():
    user_model = get_user_model()
    return user_model, _fields_in_order(user_model, _USER_FIELDS), _fields_in_order(Token, _TOKEN_FIELDS)


@functools.cache
def _sql(with_scan):
    user_model, user_fields, token_fields = _columns()
    select = (
        f"{_CHECK_IN_PERMISSION} SELECT {', '.join('u.' + f for f in user_fields)}, "
        f"{', '.join('t.' + f for f in token_fields)}, ({_MAY_CHECK_IN}) AS may_check_in"
    )
    joins = f"FROM {Token._meta.db_table} t JOIN {user_model._meta.db_table} u ON u.id = t.user_id"
    if not with_scan:
        return f"{select} {joins} WHERE t.key = %s"
    # The scan's parameters come first: they are the nested SELECT's placeholders.
    return f"{select}, s.* {joins} LEFT JOIN ({checkin.SCAN_LOOKUP_SQL}) s ON 1 = 1 WHERE t.key = %s"


def _account(row):
    """(GateAccount, the rest of the row) of a row of _sql()."""
    _user_model, user_fields, token_fields = _columns()
    width = len(user_fields) + len(token_fields)
    user = dict(zip(user_fields, row[: len(user_fields)], strict=True))
    may_check_in = bool(row[width]) or user["is_superuser"]
    account = GateAccount(user["id"], user["is_active"], may_check_in, tuple(row[:width]))
    return account, row[width + 1 :]


def gate_account(key):
    """The GateAccount of an API token, or None when no token has this key."""
    with connection.cursor() as cursor:
        execute_prepared(cursor, "hs_gate_token", _sql(False), [key])
        row = cursor.fetchone()
    return None if row is None else _account(row)[0]


def gate_account_and_scan(key, code, zone_code):
    """(GateAccount, checkin.ScanLookup) of a device's scan in one query; None for no such token."""
    signed, code_error, params = checkin.scan_lookup_params(code, zone_code)
    with connection.cursor() as cursor:
        execute_prepared(cursor, "hs_gate_token_scan", _sql(True), [*params, key])
        row = cursor.fetchone()
    if row is None:
        return None
    account, scan_row = _account(row)
    return account, checkin.scan_lookup_from_row(code, zone_code, signed, code_error, scan_row)
