"""Background documents on the real stack: an export queued by its request is made by the
worker consuming the "documents" queue."""

import pytest
from django.conf import settings
from django.db import transaction

from hanoi_summit.core.models import DocumentJob
from hanoi_summit.secretariat.documents import services
from tests import factories
from tests.integration.support import wait_until

pytestmark = pytest.mark.integration


def test_an_export_is_made_by_the_documents_worker(celery_worker):
    assert settings.CELERY_TASK_ROUTES["hanoi_summit.tasks.document_job_run"] == {"queue": "documents"}
    delegation = factories.DelegationFactory()
    for _ in range(3):
        factories.MemberFactory(delegation=delegation, photo="")
    user = factories.StaffUserFactory(role="Secretariat")
    with transaction.atomic():
        job = services.document_job_start(user=user, kind="members.csv", params={})
    assert job.status == DocumentJob.Status.QUEUED

    def finished():
        job.refresh_from_db()
        return job.finished

    wait_until(finished, timeout=120, what="the worker to make the export")
    assert job.status == DocumentJob.Status.DONE, job.error or celery_worker.log_tail()
    assert (job.done, job.total) == (3, 3)
    assert job.file.name.startswith("documents/") and job.file.name.endswith(".csv")
