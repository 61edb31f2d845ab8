"""The project's Celery tasks, where Celery's autodiscovery looks for them (`<app>.tasks`):
the core's outbox, and the secretariat's background documents."""

from hanoi_summit.core.outbox.tasks import outbox_purge_sent, outbox_requeue_stale, outbox_send
from hanoi_summit.secretariat.documents.tasks import document_job_run_task, document_jobs_purge_expired_task

__all__ = [
    "document_job_run_task",
    "document_jobs_purge_expired_task",
    "outbox_purge_sent",
    "outbox_requeue_stale",
    "outbox_send",
]
