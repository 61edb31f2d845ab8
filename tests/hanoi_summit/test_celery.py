"""The Celery app: between tasks, database connections follow Django's rules as between requests."""

import time

import pytest
from django.db import connection

from hanoi_summit.celery import drop_broken_or_old_db_connections


class _WorkerTask:
    class request:
        is_eager = False


@pytest.mark.django_db(transaction=True)
def test_after_a_task_a_healthy_connection_is_kept_without_a_query(django_assert_num_queries):
    connection.ensure_connection()
    with django_assert_num_queries(0):
        drop_broken_or_old_db_connections(task=_WorkerTask())
    assert connection.connection is not None


@pytest.mark.django_db(transaction=True)
def test_after_a_task_an_expired_connection_is_closed(require_postgres):
    # (SQLite's in-memory test database refuses to close at all.)
    connection.ensure_connection()
    connection.close_at = time.monotonic() - 1
    drop_broken_or_old_db_connections(task=_WorkerTask())
    assert connection.connection is None


@pytest.mark.django_db(transaction=True)
def test_before_a_task_a_connection_killed_by_a_restart_is_replaced(require_postgres):
    from hanoi_summit.celery import check_db_connections_before_task
    from tests.postgres import backend_pid

    dead = backend_pid()
    other = connection.copy()  # what a database restart does, from another session
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [dead])
            assert cursor.fetchone()[0] is True
    finally:
        other.close()
    check_db_connections_before_task(task=_WorkerTask())
    # The task's first query finds the connection dead, reconnects, and succeeds.
    assert backend_pid() != dead
