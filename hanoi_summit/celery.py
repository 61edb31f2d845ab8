"""The Celery application. Broker and eager mode come from settings (REDIS_URL)."""

import os
import time

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hanoi_summit.settings")

app = Celery("hanoi_summit")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def refuse_to_work_without_keys(**kwargs):
    """A production worker signs the badges it renders: it does not start without the key."""
    from hanoi_summit.checks import refuse_to_serve_without_keys

    refuse_to_serve_without_keys()


@signals.task_prerun.connect
def check_db_connections_before_task(task=None, **kwargs):
    """Check kept connections before each task, as Django does before each request.

    A database restart kills every connection a worker keeps between tasks, and the worker
    only learns it on the next query: the first task after a restart used to fail on it.
    Django's rules (close_if_unusable_or_obsolete) drop an errored, expired or changed
    connection and, with CONN_HEALTH_CHECKS, make the next query test the kept one first
    and reconnect if it is dead. The price is Django's per request: one SELECT 1 round trip
    before a task's first query.
    """
    if task is not None and getattr(task.request, "is_eager", False):
        return  # in-process (web request, tests): Django's request cycle owns the connection
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


@signals.task_postrun.connect
def drop_broken_or_old_db_connections(task=None, **kwargs):
    """Apply Django's connection rules between tasks, as it does between requests.

    CELERY_DB_REUSE_MAX keeps connections across tasks; without this a connection broken by a
    database restart would fail every task until Celery recycles it. Only connections that saw
    an error or outlived CONN_MAX_AGE are looked at, so a healthy one costs no extra query.
    """
    if task is not None and getattr(task.request, "is_eager", False):
        return  # in-process (web request, tests): Django's request cycle owns the connection
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            continue
        expired = connection.close_at is not None and time.monotonic() >= connection.close_at
        if connection.errors_occurred or expired:
            connection.close_if_unusable_or_obsolete()
