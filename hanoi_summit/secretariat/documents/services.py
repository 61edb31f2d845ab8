"""Starting, making and sweeping the background documents (core.models.DocumentJob).

A request starts a job (one row, one task on the "documents" queue) and answers at once;
the task writes the file to a temporary path, reporting its progress once per chunk of
rows (one UPDATE each, not one per row), then stores it in the private storage. Without a
broker (no REDIS_URL) the task runs in-process as it is queued, and the job is done by the
time its page opens.
"""

import datetime as dt
import logging
import os
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hanoi_summit.core.models import DocumentJob
from hanoi_summit.secretariat.documents.kinds import KINDS

logger = logging.getLogger(__name__)
Status = DocumentJob.Status
#: A second start of the same document this soon after the first is the same job.
SAME_JOB_WITHIN = dt.timedelta(minutes=5)


def document_job_start(*, user, kind, params):
    """Queue the document `kind` ("members.csv", "participants.pdf") for `user`, filtered by
    `params`; return its job. The filters are checked now (ExportFilterError, nothing
    created) so that a mistake is told at once rather than as a failed job.

    The same document with the same filters, asked for by the same user a moment ago and
    still queued or running, is returned rather than started twice (a double click, a
    reload); an older one may have lost its task, and a new one is started.
    """
    document = KINDS[kind]
    running = DocumentJob.objects.filter(
        user=user,
        kind=kind,
        params=params,
        status__in=(Status.QUEUED, Status.RUNNING),
        created_at__gte=timezone.now() - SAME_JOB_WITHIN,
    ).first()
    if running is not None:
        return running
    total = document.total(params, user)
    now = timezone.now()
    job = DocumentJob.objects.create(
        user=user,
        kind=kind,
        params=params,
        permissions=document.permissions_for(user),
        total=total,
        filename=document.filename(),
        created_at=now,
        expires_at=now + dt.timedelta(hours=settings.DOCUMENT_JOB_EXPIRY_HOURS),
    )
    transaction.on_commit(lambda: _dispatch(job.pk))
    return job


def _dispatch(job_id):
    """Hand the job to Celery. A broker that is down fails the job at once, with a message
    saying to ask again, rather than leaving a page waiting for a task that never comes; no
    publish retries, so the request does not hang waiting for Redis."""
    from hanoi_summit.secretariat.documents.tasks import document_job_run_task

    try:
        document_job_run_task.apply_async((job_id,), retry=False)
    except Exception:  # kombu and redis-py raise many kinds of connection errors
        logger.warning("Broker unavailable; document job %s not queued", job_id, exc_info=True)
        DocumentJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
            status=Status.FAILED,
            error=_("The document could not be queued. Try again in a moment."),
            finished_at=timezone.now(),
        )


def document_job_run(*, job):
    """Make the job's file, writing progress as it goes; mark it done or failed.

    Not atomic on purpose: the progress must be visible to the page polling it. An error
    while writing marks the job failed with the error (logged, not raised): the person asks
    again from the page.
    """
    DocumentJob.objects.filter(pk=job.pk).update(status=Status.RUNNING, done=0, error="")
    document = KINDS[job.kind]

    def on_progress(done, total):
        changes = {"done": done}
        if total is not None:
            changes["total"] = total
        DocumentJob.objects.filter(pk=job.pk).update(**changes)

    try:
        with tempfile.TemporaryDirectory(prefix="document-") as folder:
            path = os.path.join(folder, job.filename or "document")
            document.write(job.params, job.user, path, on_progress)
            with open(path, "rb") as written:
                job.file.save(f"job-{job.pk}-{job.filename}", File(written), save=False)
    except Exception as error:  # whatever the writer raised, the job must not stay "running"
        logger.exception("Document job %s (%s) failed", job.pk, job.kind)
        DocumentJob.objects.filter(pk=job.pk).update(
            status=Status.FAILED, error=str(error)[:500], finished_at=timezone.now()
        )
        job.refresh_from_db()
        return job
    job.refresh_from_db(fields=["total"])
    DocumentJob.objects.filter(pk=job.pk).update(
        file=job.file.name, status=Status.DONE, done=job.total, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def document_jobs_purge_expired(now=None):
    """The beat's sweep: delete the jobs past their expiry, and their files. Returns how many."""
    now = now or timezone.now()
    expired = list(DocumentJob.objects.filter(expires_at__lte=now).only("pk", "file"))
    for job in expired:
        if job.file:
            job.file.storage.delete(job.file.name)
    DocumentJob.objects.filter(pk__in=[job.pk for job in expired]).delete()
    return len(expired)
