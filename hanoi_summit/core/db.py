"""Database helpers below the ORM, for the few paths where the ORM's cost shows."""

import weakref

from django.db import connection

#: PostgreSQL connection -> names of the statements prepared on it.
_PREPARED = weakref.WeakKeyDictionary()


def execute_prepared(cursor, name, sql, params):
    """Run ``sql`` (%s placeholders) with ``params``; on PostgreSQL as a prepared statement.

    Planning the scan's six-table join took the server longer than running it: a statement
    prepared once per connection is planned once (or a few times, until PostgreSQL settles
    on a generic plan). The PREPARE goes through the raw connection, so it is not counted as
    one of the request's queries; prepared statements live as long as the session and
    survive rollbacks. Not for a transaction-pooling PgBouncer in front of PostgreSQL
    (statements would land on other server sessions). SQLite caches its compiled
    statements by itself.
    """
    if connection.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    raw = connection.connection
    prepared = _PREPARED.setdefault(raw, set())
    if name not in prepared:
        numbered = sql.split("%s")
        text = "".join(
            part + (f"${i + 1}" if i < len(numbered) - 1 else "") for i, part in enumerate(numbered)
        )
        with raw.cursor() as setup:
            setup.execute(f"PREPARE {name} AS {text}")
        prepared.add(name)
    cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)
