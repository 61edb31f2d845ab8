"""Background documents: a request starts a job and answers with its page; the task (run
in-process here, as without a broker) writes the file with its progress; the file leaves
only through a private, expiring download that checks who asks."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from accreditation.models import AccreditationStatus as S
from hanoi_summit.core.models import DocumentJob
from hanoi_summit.secretariat.documents import services
from hanoi_summit.secretariat.documents.tasks import document_jobs_purge_expired_task
from hanoi_summit.secretariat.exports import writers
from tests import factories as f

pytestmark = pytest.mark.django_db

START_MEMBERS = "/dashboard/exports/members.csv"


def page(job):
    return f"/dashboard/documents/{job.pk}/"


def started(client, url, capture):
    """Start a document as its link does; the task runs on commit, in-process."""
    with capture(execute=True):
        response = client.get(url)
    assert response.status_code == 302, response
    job = DocumentJob.objects.get(pk=int(response.url.strip("/").split("/")[-1]))
    assert response.url == page(job)
    return job


def downloaded_bytes(client, job):
    response = client.get(f"{page(job)}download")
    assert response.status_code == 200, response
    assert response["Content-Security-Policy"] == "sandbox"
    assert "no-store" in response["Cache-Control"]
    return b"".join(response.streaming_content)


@pytest.fixture
def members(minister):
    for i in range(4):
        f.MemberFactory(delegation=minister.delegation, photo="", family_name=f"Trần{i}")
    return minister


def test_an_export_runs_in_process_to_the_end_and_its_csv_is_right(
    secretariat_client, secretariat_user, members, django_capture_on_commit_callbacks
):
    job = started(secretariat_client, f"{START_MEMBERS}?q=Nguy", django_capture_on_commit_callbacks)
    assert (job.user, job.kind, job.params) == (secretariat_user, "members.csv", {"q": "Nguy"})
    assert (job.status, job.done, job.total) == (DocumentJob.Status.DONE, 1, 1)
    assert job.file.name.startswith("documents/") and job.finished_at and job.expires_at > timezone.now()
    text = downloaded_bytes(secretariat_client, job).decode("utf-8")
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert [row[header.index("Family name")] for row in rows] == ["Nguyễn"]
    assert [row[header.index("Passport number")] for row in rows] == ["C1234567"]
    # The job's page shows it done, with its download link.
    html = secretariat_client.get(page(job)).content.decode()
    assert f"{page(job)}download" in html and "d-none" not in html.split("data-download")[0][-80:]


def test_progress_is_written_once_per_chunk_up_to_the_total(secretariat_user, members, monkeypatch):
    monkeypatch.setattr(writers, "CHUNK_ROWS", 2)
    job = services.document_job_start(user=secretariat_user, kind="members.csv", params={})
    assert (job.status, job.total) == (DocumentJob.Status.QUEUED, 5)
    with CaptureQueriesContext(connection) as queries:
        services.document_job_run(job=job)
    progress = [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and '"done" =' in q["sql"]]
    # "running" (done = 0), after rows 2 and 4, then "done" at the total.
    assert len(progress) == 4
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (DocumentJob.Status.DONE, 5, 5)


def test_an_xlsx_export_in_the_background_keeps_the_formula_guard(
    secretariat_client, minister, django_capture_on_commit_callbacks
):
    minister.function = '=HYPERLINK("http://evil.example")'
    minister.save()
    job = started(secretariat_client, "/dashboard/exports/members.xlsx", django_capture_on_commit_callbacks)
    sheet = openpyxl.load_workbook(io.BytesIO(downloaded_bytes(secretariat_client, job))).active
    header, row = list(sheet.iter_rows(values_only=True))
    assert row[header.index("Family name")] == "Nguyễn"
    assert row[header.index("Function")] == '\'=HYPERLINK("http://evil.example")'
    assert job.filename.endswith(".xlsx")


def test_the_list_of_participants_is_made_in_the_background(
    secretariat_client, minister, django_capture_on_commit_callbacks
):
    job = started(secretariat_client, "/dashboard/participants.pdf", django_capture_on_commit_callbacks)
    assert job.status == DocumentJob.Status.DONE and job.done == job.total > 0
    reader = PdfReader(io.BytesIO(downloaded_bytes(secretariat_client, job)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "List of Participants" in text and minister.display_name in text


def test_the_status_json_says_how_far_it_got(secretariat_client, secretariat_user, minister):
    job = services.document_job_start(user=secretariat_user, kind="members.csv", params={})
    queued = secretariat_client.get(f"{page(job)}status").json()
    assert queued == {"status": "queued", "done": 0, "total": 1, "download": None}
    services.document_job_run(job=job)
    done = secretariat_client.get(f"{page(job)}status")
    assert "no-cache" in done["Cache-Control"] or "no-store" in done["Cache-Control"]
    assert done.json() == {"status": "done", "done": 1, "total": 1, "download": f"{page(job)}download"}
    # Not ready yet: the download sends back to the page.
    other = services.document_job_start(user=secretariat_user, kind="members.xlsx", params={})
    assert secretariat_client.get(f"{page(other)}download").url == page(other)


def test_a_second_start_while_queued_is_the_same_job(secretariat_user, minister):
    first = services.document_job_start(user=secretariat_user, kind="members.csv", params={"q": "x"})
    again = services.document_job_start(user=secretariat_user, kind="members.csv", params={"q": "x"})
    other = services.document_job_start(user=secretariat_user, kind="members.csv", params={})
    assert again == first != other


def test_a_bad_filter_is_a_400_and_starts_nothing(secretariat_client):
    response = secretariat_client.get(f"{START_MEMBERS}?status=nonsense")
    assert response.status_code == 400
    assert not DocumentJob.objects.exists()


def test_a_writer_error_fails_the_job_with_its_message(secretariat_user, minister, monkeypatch):
    job = services.document_job_start(user=secretariat_user, kind="members.csv", params={})

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(writers.files, "csv_write", broken)
    services.document_job_run(job=job)
    job.refresh_from_db()
    assert (job.status, job.error, bool(job.file)) == (DocumentJob.Status.FAILED, "disk full", False)


# --- who may fetch it -------------------------------------------------------------------


@pytest.fixture
def secretariat_job(secretariat_user, minister):
    """A members export made for the secretariat: it holds passport numbers."""
    job = services.document_job_start(user=secretariat_user, kind="members.csv", params={})
    return services.document_job_run(job=job)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("Secretariat", 200),  # another user holding the same permissions
        ("Accreditation officer", 200),  # members and passports too
        ("Protocol officer", 403),  # sees members, not passports: not this file
        ("Gate officer", 403),
    ],
)
def test_another_staff_member_fetches_it_only_with_the_same_permissions(
    client, secretariat_job, role, status
):
    client.force_login(f.StaffUserFactory(role=role))
    for suffix in ("", "status", "download"):
        assert client.get(f"{page(secretariat_job)}{suffix}").status_code == status, suffix


def test_the_asker_fetches_it_and_a_colleague_of_the_same_role_too(client, minister):
    asker = f.StaffUserFactory(role="Protocol officer")
    job = services.document_job_run(
        job=services.document_job_start(user=asker, kind="members.csv", params={})
    )
    assert job.permissions == ["delegations.view_member"]
    for user, status in ((asker, 200), (f.StaffUserFactory(role="Protocol officer"), 200)):
        client.force_login(user)
        assert client.get(f"{page(job)}download").status_code == status
    text = b"".join(client.get(f"{page(job)}download").streaming_content).decode()
    assert "C1234567" not in text


def test_the_asker_whose_permission_was_withdrawn_is_refused(client, secretariat_job, secretariat_user):
    secretariat_user.groups.clear()
    client.force_login(secretariat_user)
    assert client.get(f"{page(secretariat_job)}download").status_code == 403


def test_focal_points_and_strangers_get_nothing(client, focal_client, secretariat_job):
    assert focal_client.get(f"{page(secretariat_job)}download").status_code == 403
    focal_client.logout()
    anonymous = client.get(f"{page(secretariat_job)}download")
    assert anonymous.status_code == 302 and "/login/" in anonymous.url
    assert client.get(f"{page(secretariat_job)}status").status_code == 302


# --- expiry -----------------------------------------------------------------------------


def test_an_expired_document_answers_410_then_the_sweep_deletes_it(secretariat_client, secretariat_job):
    storage, name = secretariat_job.file.storage, secretariat_job.file.name
    assert storage.exists(name)
    DocumentJob.objects.filter(pk=secretariat_job.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    for suffix in ("", "download"):
        gone = secretariat_client.get(f"{page(secretariat_job)}{suffix}")
        assert gone.status_code == 410
        assert "This document has expired" in gone.content.decode()
    assert secretariat_client.get(f"{page(secretariat_job)}status").json()["status"] == "expired"
    fresh = services.document_job_start(user=secretariat_job.user, kind="members.xlsx", params={})

    assert document_jobs_purge_expired_task() == 1
    assert not storage.exists(name)
    assert list(DocumentJob.objects.all()) == [fresh]
    assert secretariat_client.get(page(secretariat_job)).status_code == 404


def test_a_broker_down_fails_the_job_at_once(
    secretariat_user, minister, monkeypatch, django_capture_on_commit_callbacks
):
    from hanoi_summit.secretariat.documents.tasks import document_job_run_task

    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(document_job_run_task, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.document_job_start(user=secretariat_user, kind="members.csv", params={})
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.FAILED and "Try again" in job.error


def test_a_job_queued_long_ago_is_not_reused(secretariat_user, minister):
    first = services.document_job_start(user=secretariat_user, kind="members.csv", params={})
    DocumentJob.objects.filter(pk=first.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    assert services.document_job_start(user=secretariat_user, kind="members.csv", params={}) != first


def test_the_list_of_participants_reads_its_members_a_chunk_of_delegations_at_a_time(
    monkeypatch, django_assert_num_queries
):
    from hanoi_summit.secretariat import participants_pdf

    names = []
    for country, name in (("FR", "France"), ("DE", "Germany"), ("VN", "Viet Nam")):
        delegation = f.DelegationFactory(kind="member_state", country=country, name=name)
        for i in range(2):
            member = f.MemberFactory(
                delegation=delegation,
                photo="",
                given_names=name,
                family_name=f"Person{i}",
                family_name_first=False,
            )
            f.AccreditationFactory(member=member, status=S.APPROVED)
            names.append(member.display_name)
    monkeypatch.setattr(participants_pdf, "CHUNK_DELEGATIONS", 2)
    progress = []
    out = io.BytesIO()
    # The delegations, then the members of each chunk of two.
    with django_assert_num_queries(1 + 2):
        participants_pdf.write_participants_pdf(
            out, on_progress=lambda done, total: progress.append((done, total))
        )
    assert progress == [(0, 3), (2, 3)]
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(out.getvalue())).pages).split())
    positions = [text.index(name) for name in names]
    assert positions == sorted(positions)
