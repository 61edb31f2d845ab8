"""The background documents' tasks: thin, they load a row and call a service."""

from celery import shared_task

from hanoi_summit.core.models import DocumentJob


@shared_task(name="hanoi_summit.tasks.document_job_run")
def document_job_run_task(job_id):
    """Make one document (routed to the "documents" queue).

    A job still "running" is made again from the start: the task is acknowledged only once
    it has finished (CELERY_TASK_ACKS_LATE), so it comes back only if its worker died.
    """
    from hanoi_summit.secretariat.documents.services import document_job_run

    job = DocumentJob.objects.filter(pk=job_id).select_related("user").first()
    if job is None or job.finished:
        return
    document_job_run(job=job)


@shared_task(name="hanoi_summit.tasks.document_jobs_purge_expired")
def document_jobs_purge_expired_task():
    """The beat sweep: delete expired documents and their files."""
    from hanoi_summit.secretariat.documents.services import document_jobs_purge_expired

    return document_jobs_purge_expired()
