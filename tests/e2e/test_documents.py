"""A background export in a real browser: its page polls the status (no inline script, under
the site's CSP) and shows the download once the worker has made the file."""

from pathlib import Path

import pytest

from hanoi_summit.core.models import DocumentJob
from hanoi_summit.secretariat.documents import services
from hanoi_summit.secretariat.documents.tasks import document_job_run_task
from tests import factories
from tests.e2e.test_accreditation_journey import _logged_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_document_page_shows_progress_then_the_download(browser, live_server, monkeypatch):
    factories.StaffUserFactory(username="secretariat", role="Secretariat")
    factories.MemberFactory(family_name="Nguyễn", photo="")
    # The worker is this test: the job stays queued until it runs the task below.
    monkeypatch.setattr(services, "_dispatch", lambda job_id: None)
    page = _logged_in(browser, live_server, "secretariat", "/dashboard/")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto("/dashboard/exports/members.csv")
    page.wait_for_url("**/dashboard/documents/*/")
    job = DocumentJob.objects.get()
    assert job.status == DocumentJob.Status.QUEUED
    assert page.locator("[data-download]").is_hidden()
    assert page.locator("[data-total]").inner_text() == "1"

    document_job_run_task(job.pk)
    page.locator("[data-download]").wait_for(state="visible")
    with page.expect_download() as download:
        page.locator("[data-download]").click()
    assert download.value.suggested_filename.startswith("members-")
    assert "Nguyễn" in Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert errors == []
