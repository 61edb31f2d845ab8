"""What a gate reads before it decides: who scans, and the zone and badge a code names.

A device's scan reads both in one round trip (``gate_account_and_scan``): its API token
with the user and "may this account check in?", then the zone and the badge with its
accreditation, person, delegation, category and "is there a newer print?". The gate page
reads the scan's part alone (``scan_lookup``), DRF's authentication the account's part
alone (``gate_account``). All of it is hand-written SQL run as prepared statements: built
with the ORM, compiling these joins cost more CPU than running them, and every scan at
every gate pays for it. The SQL is portable (PostgreSQL and SQLite).
"""

import datetime as dt
import functools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Max
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accreditation.badges import codes, short
from accreditation.models import (
    Accreditation,
    Badge,
    Category,
    Scan,
    ScanReason,
    ScanResult,
    SecondEntry,
    Zone,
)
from delegations.models import Delegation, Member
from hanoi_summit.core.clock import HANOI, event_now
from hanoi_summit.core.db import execute_prepared

# --- The zone and the badge ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScannedBadge:
    """The badge a genuine code names, with what a gate decides on and shows: one flat row.

    Read by the scan's SELECT (columns in this order, see _SCAN_COLUMNS), or made from ORM
    objects (``of``) when a retried scan is answered again. Plain values rather than five
    model instances, whose construction is a noticeable part of a scan's CPU.
    """

    pk: int
    number: int
    version: int
    zone_codes: str
    valid_from: dt.date
    valid_until: dt.date
    collected_at: dt.datetime | None
    revoked_at: dt.datetime | None
    status: str
    badge_name: str
    function: str
    role: str
    photo: str
    delegation_name: str
    delegation_acronym: str
    delegation_country: str
    delegation_kind: str
    category_code: str
    category_name: str
    category_colour: str
    category_text_colour: str
    has_newer: bool
    #: The direction of this badge's last granted, not undone scan at the zone today
    #: (None: none today): "in" means the person is inside.
    last_direction: str | None = None

    @classmethod
    def of(cls, badge, *, has_newer):
        member = badge.accreditation.member
        delegation, category = member.delegation, badge.category
        return cls(
            badge.pk,
            badge.number,
            badge.version,
            badge.zone_codes,
            badge.valid_from,
            badge.valid_until,
            badge.collected_at,
            badge.revoked_at,
            badge.accreditation.status,
            member.badge_name,
            member.function,
            member.role,
            member.photo.name or "",
            delegation.name,
            delegation.acronym,
            delegation.country.code or "",
            delegation.kind,
            category.code,
            category.name,
            category.colour,
            category.text_colour,
            has_newer,
        )


#: ScannedBadge's fields, in order, as (table alias, column); has_newer and last_direction
#: are computed last.
_SCAN_COLUMNS = (
    ("b", "id"),
    ("b", "number"),
    ("b", "version"),
    ("b", "zone_codes"),
    ("b", "valid_from"),
    ("b", "valid_until"),
    ("b", "collected_at"),
    ("b", "revoked_at"),
    ("a", "status"),
    ("m", "badge_name"),
    ("m", "function"),
    ("m", "role"),
    ("m", "photo"),
    ("d", "name"),
    ("d", "acronym"),
    ("d", "country"),
    ("d", "kind"),
    ("c", "code"),
    ("c", "name"),
    ("c", "colour"),
    ("c", "text_colour"),
)


def _scan_sql():
    badge, zone, scan = Badge._meta.db_table, Zone._meta.db_table, Scan._meta.db_table
    # Aliased, so that the account's query can nest this SELECT (one round trip for both).
    columns = ", ".join(f"{alias}.{column} AS {alias}_{column}" for alias, column in _SCAN_COLUMNS)
    # The zone is always found (or there is no row); the badge side is NULL when the code's
    # (number, version) is unknown or the signature failed (number NULL matches nothing).
    # The "newer version" probe and the badge itself use the unique (number, version) index;
    # "inside already?" reads the badge's scans (the scan log's badge index): a handful a day.
    # Its placeholder (today's midnight) comes first, as it is in the SELECT list.
    return (
        f"SELECT z.id AS z_id, z.code AS z_code, z.second_entry AS z_second_entry, {columns}, "
        f"EXISTS (SELECT 1 FROM {badge} n WHERE n.number = b.number AND n.version > b.version) AS b_has_newer, "
        f"(SELECT s.direction FROM {scan} s WHERE s.badge_id = b.id AND s.zone_id = z.id "
        f"AND s.result = '{ScanResult.GRANTED.value}' AND s.undone_at IS NULL AND s.scanned_at >= %s "
        f"ORDER BY s.scanned_at DESC, s.id DESC LIMIT 1) AS b_last_direction "
        f"FROM {zone} z "
        f"LEFT JOIN {badge} b ON b.number = %s AND b.version = %s "
        f"LEFT JOIN {Accreditation._meta.db_table} a ON a.id = b.accreditation_id "
        f"LEFT JOIN {Member._meta.db_table} m ON m.id = a.member_id "
        f"LEFT JOIN {Delegation._meta.db_table} d ON d.id = m.delegation_id "
        f"LEFT JOIN {Category._meta.db_table} c ON c.id = b.category_id "
        f"WHERE z.code = %s"
    )


#: The zone and badge lookup of a scan, with %s for today's midnight, the badge number,
#: version and zone code.
_SCAN_SQL = _scan_sql()


@dataclass(frozen=True)
class ScanLookup:
    """What a scan reads before it decides: the code's signature and the zone and badge rows.

    It carries the code and zone it was read for, so it can serve no other scan.
    """

    code: object
    zone_asked: str
    signed: codes.BadgeCode | None
    code_error: str | None
    zone_id: int | None
    zone_code: str | None
    badge: ScannedBadge | None
    #: The zone's SecondEntry rule.
    zone_second_entry: str = SecondEntry.DENY


def entries_since():
    """From when a scan in counts as "inside": midnight in Hanoi, by the event clock, as
    selectors.zone_occupancy counts (nobody scans out when the venue closes at night)."""
    now = timezone.localtime(event_now(), HANOI)
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def _since_param():
    return connection.ops.adapt_datetimefield_value(entries_since())


def _scan_params(code, zone_code):
    """(signed code or None, its error reason or None, the parameters of _SCAN_SQL)."""
    try:
        signed = codes.decode(code)
    except codes.CodeError as error:
        return None, ScanReason(error.code), [_since_param(), None, None, zone_code or ""]
    return signed, None, [_since_param(), signed.number, signed.version, zone_code or ""]


def _to_date(value):
    # SQLite hands back text when a column's declared type is lost in a join.
    return value if isinstance(value, dt.date) or value is None else dt.date.fromisoformat(str(value)[:10])


def _scan_lookup_of(code, zone_code, signed, code_error, values):
    """The ScanLookup of one _SCAN_SQL row (None or all NULL: no such zone)."""
    zone_id, zone_found, second_entry = (values[0], values[1], values[2]) if values else (None, None, None)
    badge = None
    if zone_id is not None and values[3] is not None:
        fields = list(values[3 : 5 + len(_SCAN_COLUMNS)])
        fields[4], fields[5] = _to_date(fields[4]), _to_date(fields[5])
        fields[-2] = bool(fields[-2])
        badge = ScannedBadge(*fields)
    return ScanLookup(
        code,
        zone_code or "",
        signed,
        code_error,
        zone_id,
        zone_found,
        badge,
        second_entry or SecondEntry.DENY,
    )


def scan_lookup(code, zone_code):
    """The ScanLookup of a code presented at a zone: its signature checked, then one query."""
    signed, code_error, params = _scan_params(code, zone_code)
    with connection.cursor() as cursor:
        execute_prepared(cursor, "hs_gate_scan", _SCAN_SQL, params)
        row = cursor.fetchone()
    return _scan_lookup_of(code, zone_code, signed, code_error, row)


def short_lookup(text, zone_code):
    """The ScanLookup of a short number typed at a zone: the newest version of its number.
    Raises short.ShortNumberError for text that is not one or a wrong check character."""
    number = short.parse(text)
    version = Badge.objects.filter(number=number).aggregate(newest=Max("version"))["newest"] or 0
    # No signature to check: the typed number stands for the newest print, as the officer
    # compares the photo and name the gate then shows.
    typed = codes.BadgeCode(number, version, "", (), codes.EPOCH, codes.EPOCH)
    with connection.cursor() as cursor:
        execute_prepared(
            cursor, "hs_gate_scan", _SCAN_SQL, [_since_param(), number, version, zone_code or ""]
        )
        row = cursor.fetchone()
    return _scan_lookup_of(text, zone_code, typed, None, row)


# --- The account ---------------------------------------------------------------------------

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
    #: The check_in permission, the user's own or a group's; a superuser has every one.
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
def _account_sql(with_scan):
    user_model, user_fields, token_fields = _columns()
    select = (
        f"{_CHECK_IN_PERMISSION} SELECT {', '.join('u.' + f for f in user_fields)}, "
        f"{', '.join('t.' + f for f in token_fields)}, ({_MAY_CHECK_IN}) AS may_check_in"
    )
    joins = f"FROM {Token._meta.db_table} t JOIN {user_model._meta.db_table} u ON u.id = t.user_id"
    if not with_scan:
        return f"{select} {joins} WHERE t.key = %s"
    # The scan's parameters come first: they are the nested SELECT's placeholders.
    return f"{select}, s.* {joins} LEFT JOIN ({_SCAN_SQL}) s ON 1 = 1 WHERE t.key = %s"


def _account(row):
    """(GateAccount, the rest of the row) of a row of _account_sql()."""
    _user_model, user_fields, token_fields = _columns()
    width = len(user_fields) + len(token_fields)
    user = dict(zip(user_fields, row[: len(user_fields)], strict=True))
    may_check_in = bool(row[width]) or user["is_superuser"]
    account = GateAccount(user["id"], user["is_active"], may_check_in, tuple(row[:width]))
    return account, row[width + 1 :]


def gate_account(key):
    """The GateAccount of an API token, or None when no token has this key."""
    with connection.cursor() as cursor:
        execute_prepared(cursor, "hs_gate_token", _account_sql(False), [key])
        row = cursor.fetchone()
    return None if row is None else _account(row)[0]


def gate_account_and_scan(key, code, zone_code):
    """(GateAccount, ScanLookup) of a device's scan, in one query; None for no such token."""
    signed, code_error, params = _scan_params(code, zone_code)
    with connection.cursor() as cursor:
        execute_prepared(cursor, "hs_gate_token_scan", _account_sql(True), [*params, key])
        row = cursor.fetchone()
    if row is None:
        return None
    account, scan_row = _account(row)
    return account, _scan_lookup_of(code, zone_code, signed, code_error, scan_row)
