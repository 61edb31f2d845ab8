"""Who may see a background document: its job page, its progress and its file."""

from django.utils import timezone


def document_job_may_fetch(user, job):
    """The person who asked, or any staff member holding every permission the file needed.

    The file is what its asker could see (passport data only if they hold the passport
    permission, recorded in `job.permissions`): a colleague holding the same permissions may
    see the same rows by asking again, so sharing a job page (or its link) with them reveals
    nothing more, and spares a second long run. Anyone holding fewer, the asker too once
    their permissions were withdrawn, and every focal point, is refused.
    """
    return bool(user.is_authenticated and user.is_staff and user.has_perms(job.permissions))


def document_job_expired(job, now=None):
    return job.expires_at <= (now or timezone.now())
