"""Thin Celery tasks for the outbox: take ids, call the service, map the outcome to a retry.

Their names are the ones queued messages and the beat schedule already carry
(`hanoi_summit.tasks.*`), so a move of this module never strands a message in the broker.
"""

from celery import shared_task

from hanoi_summit.core.outbox import sending as outbox_sending


@shared_task(name="hanoi_summit.tasks.outbox_send", bind=True, max_retries=None, acks_late=True)
def outbox_send(self, email_id):
    retry_in = outbox_sending.email_send(email_id=email_id)
    # The service counts attempts and gives up by itself. Run eagerly (no broker), a retry
    # would block the caller for the whole backoff: the row stays queued with its
    # next_attempt_at instead.
    if retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=retry_in)


@shared_task(name="hanoi_summit.tasks.outbox_requeue_stale")
def outbox_requeue_stale():
    return outbox_sending.email_requeue_stale()


@shared_task(name="hanoi_summit.tasks.outbox_purge_sent")
def outbox_purge_sent():
    return outbox_sending.email_purge_sent()
