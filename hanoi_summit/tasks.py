"""Thin Celery tasks for the outbox: load ids, call the service."""

from celery import shared_task

from . import outbox_sending


@shared_task(bind=True, max_retries=None, acks_late=True)
def outbox_send(self, email_id):
    retry_in = outbox_sending.email_send(email_id=email_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task
def outbox_requeue_stale():
    return outbox_sending.email_requeue_stale()
