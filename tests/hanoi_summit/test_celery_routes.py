"""Each kind of work goes to its own queue, so a backlog of one cannot hold up the others."""

import pytest
from django.conf import settings

from hanoi_summit.celery import app


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("hanoi_summit.tasks.outbox_send", "email"),
        ("hanoi_summit.tasks.outbox_requeue_stale", "periodic"),
        ("hanoi_summit.tasks.outbox_purge_sent", "periodic"),
        ("accreditation.tasks.badge_batch_render_task", "badges"),
        ("accreditation.tasks.badge_batch_requeue_stuck_task", "periodic"),
        ("anything.else", "celery"),
    ],
)
def test_each_task_is_routed_to_its_queue(task, queue):
    assert app.amqp.router.route({}, task)["queue"].name == queue


def test_every_routed_and_scheduled_task_exists():
    app.loader.import_default_modules()
    for name in [*settings.CELERY_TASK_ROUTES, *(e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values())]:
        assert name in app.tasks, name


def test_the_beat_sweeps_run_on_the_periodic_queue():
    queues = {
        app.amqp.router.route({}, e["task"])["queue"].name for e in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert queues == {"periodic"}
    assert settings.CELERY_BEAT_SCHEDULE["print-batches-requeue-stuck"]["schedule"] == 60.0


def test_a_hung_smtp_server_holds_a_worker_at_most_ten_seconds():
    assert settings.EMAIL_TIMEOUT == 10
