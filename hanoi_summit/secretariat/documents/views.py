"""/dashboard/documents/<id>/: a background document's page (progress bar, then its
download link), the small JSON status the page polls, and the private download."""

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from hanoi_summit.core.access import all_perms_required
from hanoi_summit.core.http import private_file_response
from hanoi_summit.core.models import DocumentJob
from hanoi_summit.secretariat.documents.kinds import KINDS
from hanoi_summit.secretariat.documents.selectors import document_job_expired, document_job_may_fetch
from hanoi_summit.secretariat.documents.services import document_job_start


def start_and_show(request, *, kind, params):
    """Queue a document for the caller and send them to its page (the views that start one)."""
    job = document_job_start(user=request.user, kind=kind, params=params)
    return redirect("dashboard:document", pk=job.pk)


def _job_or_refuse(request, pk):
    job = get_object_or_404(DocumentJob, pk=pk)
    if not document_job_may_fetch(request.user, job):
        raise PermissionDenied
    return job


def _expired(request, job):
    return render(request, "dashboard/document_expired.html", {"job": job}, status=410)


@all_perms_required()
def document(request, pk):
    job = _job_or_refuse(request, pk)
    if document_job_expired(job):
        return _expired(request, job)
    context = {"job": job, "title": KINDS[job.kind].title}
    return render(request, "dashboard/document.html", context)


@all_perms_required()
def document_status(request, pk):
    """What the document's page polls while the job runs."""
    job = _job_or_refuse(request, pk)
    expired = document_job_expired(job)
    done = job.status == DocumentJob.Status.DONE and not expired
    response = JsonResponse(
        {
            "status": "expired" if expired else job.status,
            "done": job.done,
            "total": job.total,
            "download": reverse("dashboard:document_download", args=[job.pk]) if done else None,
        }
    )
    add_never_cache_headers(response)
    return response


@all_perms_required()
def document_download(request, pk):
    job = _job_or_refuse(request, pk)
    if document_job_expired(job):
        return _expired(request, job)
    if job.status != DocumentJob.Status.DONE or not job.file:
        return redirect("dashboard:document", pk=job.pk)
    return private_file_response(
        job.file, content_type=KINDS[job.kind].content_type, filename=job.filename, cache_control="no-store"
    )
