"""A print batch whose render was lost (a dead database connection, a dead worker) is found
by one rule, queued again once, and renders each of its badges exactly once."""

import datetime as dt

import pytest
from django.db import OperationalError
from django.utils import timezone

from accreditation import services
from accreditation.badges import pdf
from accreditation.models import Badge, BadgeLayout, PrintBatch
from accreditation.services import printing
from accreditation.tasks import badge_batch_render_task, badge_batch_requeue_stuck_task
from tests import factories

pytestmark = pytest.mark.django_db
Status = PrintBatch.Status


def printed_batch(n, **fields):
    batch = factories.PrintBatchFactory(layout=BadgeLayout.CR80, total=n, **fields)
    for _ in range(n):
        factories.BadgeFactory(print_batch=batch, printed_at=timezone.now())
    return batch


def aged(batch, seconds):
    PrintBatch.objects.filter(pk=batch.pk).update(progress_at=timezone.now() - dt.timedelta(seconds=seconds))


def test_one_rule_says_which_batches_are_stuck(settings):
    settings.BATCH_STUCK_AFTER_SECONDS = 300
    old_rendering = factories.PrintBatchFactory(status=Status.RENDERING, rendered=50, total=248)
    old_pending = factories.PrintBatchFactory(status=Status.PENDING, total=248)
    fresh = factories.PrintBatchFactory(status=Status.RENDERING, total=248)
    done = factories.PrintBatchFactory(status=Status.DONE, total=3, rendered=3)
    failed = factories.PrintBatchFactory(status=Status.FAILED, total=3)
    for batch in (old_rendering, old_pending, done, failed):
        aged(batch, 301)
    aged(fresh, 299)
    # A batch from before progress_at existed falls back on its creation time.
    legacy = factories.PrintBatchFactory(status=Status.PENDING, total=248)
    PrintBatch.objects.filter(pk=legacy.pk).update(
        progress_at=None, created_at=timezone.now() - dt.timedelta(seconds=301)
    )
    assert set(printing.batches_stuck()) == {old_rendering, old_pending, legacy}
    assert [services.badge_batch_may_render_again(b) for b in (old_rendering, fresh, done, failed)] == [
        True,
        False,
        False,
        True,
    ]


def test_the_sweep_claims_each_stuck_batch_once(django_capture_on_commit_callbacks, monkeypatch):
    stuck = [factories.PrintBatchFactory(status=Status.RENDERING, total=248) for _ in range(2)]
    for batch in stuck:
        aged(batch, 3600)
    queued = []
    monkeypatch.setattr(badge_batch_render_task, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.badge_batch_requeue_stuck() == 2
        # The second sweep (or a click on "Render again") finds them claimed: nothing doubles.
        assert services.badge_batch_requeue_stuck() == 0
        assert [services.badge_batch_render_again(batch=b) for b in stuck] == [False, False]
    assert sorted(queued) == sorted(b.pk for b in stuck)
    assert set(PrintBatch.objects.values_list("status", flat=True)) == {Status.PENDING}


def test_an_interrupted_render_rendered_again_draws_each_badge_once(
    monkeypatch, django_capture_on_commit_callbacks
):
    batch = printed_batch(60)
    numbers = sorted(Badge.objects.filter(print_batch=batch).values_list("number", flat=True))
    drawn = []
    real_render, real_draw = pdf.render_badges, pdf._draw_badge

    def draw(canvas, badge, *args):
        drawn[-1].append(badge.number)
        return real_draw(canvas, badge, *args)

    def interrupted(*, on_progress, **kwargs):
        drawn.append([])

        def progress(done):
            on_progress(done)
            raise OperationalError("server closed the connection unexpectedly")

        return real_render(on_progress=progress, **kwargs)

    monkeypatch.setattr(pdf, "_draw_badge", draw)
    monkeypatch.setattr(pdf, "render_badges", interrupted)
    with pytest.raises(OperationalError):
        services.badge_batch_render(batch=batch)
    batch.refresh_from_db()
    # Left rendering (not failed) with its progress: the retry or the sweep takes it up.
    assert (batch.status, batch.rendered, batch.total) == (Status.RENDERING, 50, 60)
    assert services.badge_batch_requeue_stuck() == 0  # progress is fresh

    def counting(**kwargs):
        drawn.append([])
        return real_render(**kwargs)

    monkeypatch.setattr(pdf, "render_badges", counting)
    aged(batch, 3600)
    with django_capture_on_commit_callbacks(execute=True):
        assert badge_batch_requeue_stuck_task.delay().get() == 1
    batch.refresh_from_db()
    assert (batch.status, batch.rendered, batch.total) == (Status.DONE, 60, 60)
    assert [len(attempt) for attempt in drawn] == [50, 60]
    assert drawn[-1] == numbers and len(set(drawn[-1])) == 60
    # Rendering issued nothing: the same 60 badges, 60 numbers.
    assert Badge.objects.count() == 60
    assert Badge.objects.values("number").distinct().count() == 60


def test_the_render_task_retries_on_a_database_error(monkeypatch):
    batch = printed_batch(2)
    calls = []
    real = printing.badge_batch_render

    def flaky(*, batch):
        calls.append(batch.pk)
        if len(calls) == 1:
            raise OperationalError("terminating connection due to administrator command")
        return real(batch=batch)

    monkeypatch.setattr(printing, "badge_batch_render", flaky)
    # In a worker the retry is published again with a backoff; applied in-process, it runs at once.
    assert badge_batch_render_task.apply(args=[batch.pk], throw=False).state == "SUCCESS"
    batch.refresh_from_db()
    assert len(calls) == 2
    assert (batch.status, batch.rendered) == (Status.DONE, 2)
    assert badge_batch_render_task.max_retries == 5
    assert set(badge_batch_render_task.autoretry_for) == {OperationalError, printing.InterfaceError}
