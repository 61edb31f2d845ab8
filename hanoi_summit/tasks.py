"""The core's Celery tasks, where Celery's autodiscovery looks for them (`<app>.tasks`)."""

from hanoi_summit.core.outbox.tasks import outbox_purge_sent, outbox_requeue_stale, outbox_send

__all__ = ["outbox_purge_sent", "outbox_requeue_stale", "outbox_send"]
