"""Celery tasks of accreditation: thin, they load a row and call a service."""

from celery import shared_task

from accreditation.models import PrintBatch
from accreditation.services.printing import TRANSIENT_DB_ERRORS


# A database restart fails the task on its connection: retried a few times with backoff
# (each attempt starts on a checked connection, hanoi_summit/celery.py). Past the retries
# the batch stays pending or rendering, and the sweep below queues it again.
@shared_task(
    autoretry_for=TRANSIENT_DB_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
)
def badge_batch_render_task(batch_id):
    """Render a large print batch's PDF (badge_print_batch sends batches over 200 here)."""
    from accreditation.services.printing import badge_batch_render

    batch = PrintBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status == PrintBatch.Status.DONE:
        return
    badge_batch_render(batch=batch)


@shared_task
def badge_batch_requeue_stuck_task():
    """The beat sweep: queue again the batches whose render was lost."""
    from accreditation.services.printing import badge_batch_requeue_stuck

    return badge_batch_requeue_stuck()


@shared_task
def personal_data_shred_task():
    """The daily beat run: once PERSONAL_DATA_RETENTION_DAYS have passed since the event's
    end, shred every member's personal data. Idempotent: once it is gone, a run finds nothing
    and writes nothing."""
    from accreditation.services.shredding import personal_data_shred, personal_data_shred_due
    from hanoi_summit.core.clock import event_now

    if event_now() < personal_data_shred_due():
        return None
    return personal_data_shred(actor=None)
