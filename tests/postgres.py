"""Reading the PostgreSQL session of Django's connection, for tests that need PostgreSQL."""

from django.db import connection


def _one(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def session_setting(name):
    """The current value of a setting in the connection's session, e.g. synchronous_commit."""
    return _one(f"SHOW {name}")


def backend_pid():
    """The process id of the server backend behind the connection."""
    return _one("SELECT pg_backend_pid()")
