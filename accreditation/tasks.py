"""Celery tasks of accreditation: thin, they load a row and call a service."""

from celery import shared_task

from accreditation.models import PrintBatch


@shared_task
def badge_batch_render_task(batch_id):
    """Render a large print batch's PDF (badge_print_batch sends batches over 200 here)."""
    from accreditation.services.printing import badge_batch_render

    batch = PrintBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status == PrintBatch.Status.DONE:
        return
    badge_batch_render(batch=batch)
