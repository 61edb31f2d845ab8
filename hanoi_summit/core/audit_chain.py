"""The audit trail's hash chain: each entry's hash covers its own fields and the hash of the
entry before it, so a changed, inserted or removed entry breaks every hash after it.

Writers link entries under a lock on the chain's head (`chain_head`); `chain_verify` walks
the whole trail and names the first entry that does not fit.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import connection

#: The "previous hash" of the first entry.
GENESIS = "0" * 64

#: The fields an entry's hash covers, in this order (the id is not among them: it is given by
#: the database on insert, and the chain itself fixes each entry's place).
HASHED_FIELDS = (
    "actor_id",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "before",
    "after",
    "note",
    "created_at",
)

#: The PL/pgSQL function (migration 0009) that takes the chain's transaction-level advisory
#: lock and then reads the last hash, in one round trip. It must be two statements inside the
#: function: a statement's snapshot is taken when it starts, so a lock and a read in one plain
#: SELECT would read the head as it was before the lock's previous holder committed.
PG_HEAD_FUNCTION = "hanoi_audit_chain_head"


def json_canonical(value):
    """`value` as the JSON column returns it (tuples become lists, keys become text): what is
    hashed must be what is read back."""
    return None if value is None else json.loads(json.dumps(value, default=str))


def _moment(value):
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds") if value else None


def entry_hash(values, prev_hash):
    """SHA-256 (hex) of the canonical serialisation of an entry's HASHED_FIELDS (`values`:
    a mapping or an object with those attributes) followed by `prev_hash`."""
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
    fields = [get(name) for name in HASHED_FIELDS]
    fields[HASHED_FIELDS.index("created_at")] = _moment(get("created_at"))
    payload = json.dumps(
        ["v1", *fields, prev_hash], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def chain_head():
    """The last entry's hash (GENESIS for an empty trail), read under a lock held until the
    caller's transaction ends: the caller must be in one, and append its entries in it.

    PostgreSQL: one call of the function above. SQLite: a plain read; SQLite lets one
    transaction write at a time, and one that read the head before another's write cannot
    write after it (it fails rather than forks the chain).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {PG_HEAD_FUNCTION}()")
            head = cursor.fetchone()[0]
    else:
        from hanoi_summit.core.models import AuditEntry

        head = AuditEntry.objects.order_by("-pk").values_list("entry_hash", flat=True).first()
    return head or GENESIS


def chain_link(entries):
    """Give each of `entries` (unsaved, in the order they will be inserted) its prev_hash and
    entry_hash, after the current head. Call inside the transaction that inserts them."""
    prev = chain_head()
    for entry in entries:
        entry.prev_hash = prev
        entry.entry_hash = prev = entry_hash(entry, prev)


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    count: int
    head: str
    broken: ChainBreak | None

    @property
    def ok(self):
        return self.broken is None


def chain_verify(rows):
    """Check `rows` (dicts with id, HASHED_FIELDS, prev_hash and entry_hash, in id order)
    and stop at the first entry that does not fit: its fields changed since it was written
    (its hash is wrong), or the entry before it was changed or removed (its prev_hash is not
    the hash of the entry now before it)."""
    prev, count = GENESIS, 0
    for row in rows:
        count += 1
        if row["prev_hash"] != prev:
            return ChainReport(count, prev, ChainBreak(row["id"], "previous"))
        if entry_hash(row, prev) != row["entry_hash"]:
            return ChainReport(count, prev, ChainBreak(row["id"], "changed"))
        prev = row["entry_hash"]
    return ChainReport(count, prev, None)


def trail_verify():
    """chain_verify over the whole trail, read in id order a chunk at a time."""
    from hanoi_summit.core.models import AuditEntry

    rows = (
        AuditEntry.objects.order_by("pk")
        .values("id", *HASHED_FIELDS, "prev_hash", "entry_hash")
        .iterator(chunk_size=5000)
    )
    return chain_verify(rows)


def pg_head_function_sql(table):
    return f"""
        CREATE OR REPLACE FUNCTION {PG_HEAD_FUNCTION}() RETURNS varchar
        LANGUAGE plpgsql VOLATILE AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock(hashtext('{table}'));
            RETURN (SELECT entry_hash FROM {table} ORDER BY id DESC LIMIT 1);
        END $$;
    """
