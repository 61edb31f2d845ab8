"""The batch page offers "Render again" for a stuck batch, by the service's rule, and two
clicks at once queue one render."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accreditation import services
from accreditation.models import PrintBatch
from accreditation.tasks import badge_batch_render_task
from tests import factories
from tests.accreditation.review_helpers import staff

Status = PrintBatch.Status


def stalled(status, seconds, **fields):
    batch = factories.PrintBatchFactory(status=status, total=248, **fields)
    PrintBatch.objects.filter(pk=batch.pk).update(progress_at=timezone.now() - dt.timedelta(seconds=seconds))
    return batch


@pytest.mark.django_db
def test_a_stuck_batch_offers_render_again_and_renders(client, settings, django_capture_on_commit_callbacks):
    settings.BATCH_STUCK_AFTER_SECONDS = 300
    client.force_login(staff("Protocol officer"))
    stuck = stalled(Status.PENDING, 301)
    busy = stalled(Status.RENDERING, 10, rendered=100)
    assert "Render again" in client.get(reverse("protocol:batch", args=[stuck.pk])).content.decode()
    assert "Render again" not in client.get(reverse("protocol:batch", args=[busy.pk])).content.decode()

    with django_capture_on_commit_callbacks(execute=True) as queued:
        for batch in (stuck, stuck, busy):
            response = client.post(reverse("protocol:batch-render", args=[batch.pk]))
            assert response.status_code == 302
    assert len(queued) == 1
    # The empty stuck batch rendered at once (eager tasks); the live one was left alone.
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert stuck.status == Status.DONE
    assert (busy.status, busy.rendered) == (Status.RENDERING, 100)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_claims_queue_one_render(require_postgres, monkeypatch):
    batch = stalled(Status.RENDERING, 3600, rendered=50)
    queued = []
    monkeypatch.setattr(badge_batch_render_task, "delay", queued.append)
    barrier = threading.Barrier(2)
    results = []

    def click():
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                results.append(services.badge_batch_render_again(batch=batch))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [False, True]
    assert queued == [batch.pk]
    batch.refresh_from_db()
    assert batch.status == Status.PENDING
