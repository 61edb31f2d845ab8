"""Fixtures for tests on the real stack: PostgreSQL, Redis, a Celery worker process, an SMTP server.

Tests here marked `@pytest.mark.integration` skip, before any fixture is set up, on a machine
without DATABASE_URL (PostgreSQL) and REDIS_URL, and fail in CI (.ci/run sets both and
HANOI_REQUIRE_ALL=1).

- `celery_worker`: a real `celery -A hanoi_summit worker --pool=solo` process, started once per
  session from the repository root, with DATABASE_URL pointing at pytest's *test* database,
  the session's REDIS_URL and EMAIL_URL at `smtp_sink`, consuming every queue
  (-Q celery,email,badges,documents,periodic). The broker queues are purged before it starts, so it
  never runs tasks left over from other tests. Requesting it makes the test use
  `transactional_db`: rows must be committed for the worker to see them, so write them
  outside any transaction or in `transaction.atomic()` blocks, and `email_queue` dispatches
  for real on commit. Tables are flushed after each test as usual.
- `smtp_sink`: the aiosmtpd server the worker sends to (tests/integration/support.SmtpSink),
  emptied before each test: `.wait_for(n)`, `.messages`, `.outbox_ids()`, `.count`,
  `.fail_next("451 4.3.0 Try again")`.
- `wait_until(predicate, timeout=..., what=...)` (from support) for anything else to wait for;
  never sleep a fixed time.

Example::

    @pytest.mark.integration
    def test_confirmation_is_mailed(celery_worker, smtp_sink):
        member_submit(...)                       # commits, queues an e-mail
        [message] = smtp_sink.wait_for(1)
        assert message["To"] == "..."
"""

import pytest

from tests.conftest import require
from tests.integration.support import SmtpSink, database_url, purge_queues, start_worker, stop_worker


def pytest_runtest_setup(item):
    # Before any fixture: a test marked `integration` must not even set up its database
    # (serialized rollback, transactional flushes) on a machine that lacks the stack.
    if item.get_closest_marker("integration") is None:
        return
    from django.conf import settings
    from django.db import connection

    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    require(bool(settings.REDIS_URL), "needs Redis and a Celery worker (set REDIS_URL)")


@pytest.fixture(scope="session")
def _smtp_sink_server():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def _celery_worker_process(django_db_setup, django_db_blocker, _smtp_sink_server):
    # django_db_setup: the test database exists (and outlives this worker, which must
    # disconnect before pytest-django drops it).
    from django.conf import settings
    from django.db import connection

    purge_queues()
    worker = start_worker(
        env={
            "DATABASE_URL": database_url(connection.settings_dict),
            "REDIS_URL": settings.REDIS_URL,
            "EMAIL_URL": _smtp_sink_server.url,
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    yield worker
    stop_worker(worker)


@pytest.fixture
def smtp_sink(_smtp_sink_server):
    _smtp_sink_server.clear()
    yield _smtp_sink_server
    _smtp_sink_server.clear()


@pytest.fixture
def celery_worker(require_postgres, require_redis, transactional_db, smtp_sink, request):
    # Resolved lazily so that a machine without Redis skips before trying to start a worker.
    worker = request.getfixturevalue("_celery_worker_process")
    if worker.process.poll() is not None:
        pytest.fail(f"the Celery worker died:\n{worker.log_tail()}")
    return worker
