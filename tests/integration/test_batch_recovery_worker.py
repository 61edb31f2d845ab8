"""Print batches on the real stack after the faults that stranded one: the worker's kept
database connection killed under it, a render lost mid-way, a full e-mail queue."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from accreditation.models import BadgeLayout, PrintBatch
from accreditation.tasks import badge_batch_render_task, badge_batch_requeue_stuck_task
from hanoi_summit.celery import app
from hanoi_summit.tasks import outbox_send
from tests import factories
from tests.integration.support import purge_queues, start_worker, stop_worker, wait_until

pytestmark = pytest.mark.integration
Status = PrintBatch.Status


def printed_batch(n, **fields):
    batch = factories.PrintBatchFactory(layout=BadgeLayout.A4_SHEET, total=n, **fields)
    for _ in range(n):
        # No photo: the worker reads uploads from its own storage, not this test's folder.
        factories.BadgeFactory(print_batch=batch, printed_at=timezone.now(), accreditation__member__photo="")
    return batch


def wait_finished(batch, worker, timeout=120):
    def finished():
        batch.refresh_from_db()
        return batch.status in (Status.DONE, Status.FAILED)

    wait_until(finished, timeout=timeout, what=f"batch {batch.pk} to finish")
    assert batch.status == Status.DONE, batch.error or worker.log_tail()
    return batch


def other_backends():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        return [row[0] for row in cursor.fetchall()]


def test_a_batch_renders_after_the_workers_connection_was_killed(celery_worker):
    # A first render leaves the worker holding a connection, as it does between tasks.
    first = printed_batch(3)
    badge_batch_render_task.delay(first.pk)
    wait_finished(first, celery_worker)
    held = wait_until(other_backends, timeout=10, what="the worker's kept connection")
    log_before = celery_worker.log_tail(400)
    # What a database restart does to it.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM unnest(%s) AS pid", [held]
        )
        assert cursor.fetchone()[0] == len(held) >= 1
    wait_until(lambda: not set(held) & set(other_backends()), timeout=10, what="the backends to end")

    batch = printed_batch(248)
    badge_batch_render_task.delay(batch.pk)
    wait_finished(batch, celery_worker)
    assert (batch.rendered, batch.total) == (248, 248)
    # The task checked its connection before running: it did not even need its retries.
    assert celery_worker.log_tail(400).count("Retry in") == log_before.count("Retry in")
    assert not set(held) & set(other_backends())


def test_a_render_left_stale_is_queued_again_by_the_sweep_and_finishes(celery_worker, settings):
    batch = printed_batch(60, status=Status.RENDERING, rendered=50)
    stale = timezone.now() - dt.timedelta(seconds=settings.BATCH_STUCK_AFTER_SECONDS + 1)
    PrintBatch.objects.filter(pk=batch.pk).update(progress_at=stale)
    fresh = printed_batch(2, status=Status.RENDERING, rendered=0)
    PrintBatch.objects.filter(pk=fresh.pk).update(progress_at=timezone.now())

    badge_batch_requeue_stuck_task.delay()
    wait_finished(batch, celery_worker)
    assert (batch.rendered, batch.total) == (60, 60)
    fresh.refresh_from_db()
    # A render still making progress is left alone.
    assert (fresh.status, fresh.rendered) == (Status.RENDERING, 0)


def queue_length(name):
    with app.connection_for_write() as conn:
        return conn.default_channel.client.llen(name)


def test_a_periodic_only_worker_sweeps_while_the_email_queue_is_full(celery_worker, settings):
    # The session's worker stops taking e-mail and periodic work: e-mail piles up, and only
    # the worker started below with -Q periodic may run the sweep.
    destination = [celery_worker.name]
    for queue in ("email", "periodic"):
        app.control.cancel_consumer(queue, destination=destination, reply=True)
    periodic_worker = None
    try:
        for email_id in range(10**9, 10**9 + 100):
            outbox_send.delay(email_id)
        assert queue_length("email") == 100
        periodic_worker = start_worker(
            env={
                "DATABASE_URL": celery_worker_database_url(),
                "REDIS_URL": settings.REDIS_URL,
                "DJANGO_LOG_LEVEL": "WARNING",
            },
            queues=("periodic",),
        )
        batch = printed_batch(5, status=Status.PENDING)
        stale = timezone.now() - dt.timedelta(seconds=settings.BATCH_STUCK_AFTER_SECONDS + 1)
        PrintBatch.objects.filter(pk=batch.pk).update(progress_at=stale)
        badge_batch_requeue_stuck_task.delay()
        # Swept by the periodic worker, rendered by the session's worker on "badges".
        wait_finished(batch, celery_worker)
        assert (batch.rendered, batch.total) == (5, 5)
        assert queue_length("email") == 100
    finally:
        if periodic_worker is not None:
            stop_worker(periodic_worker)
        purge_queues(("email",))
        for queue in ("email", "periodic"):
            app.control.add_consumer(queue, destination=destination, reply=True)


def celery_worker_database_url():
    from tests.integration.support import database_url

    return database_url(connection.settings_dict)
