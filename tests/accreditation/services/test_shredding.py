"""Shredding personal data after the event: refused before its end unless forced, a dry run
that counts, the files gone from disk, one audit entry, the daily beat task."""

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from accreditation.models import Accreditation, Badge, PrintBatch
from accreditation.services.shredding import personal_data_shred, personal_data_shred_due
from accreditation.tasks import personal_data_shred_task
from accreditation.workflow import AccreditationError
from delegations.models import Document, Member
from hanoi_summit.core.clock import event_end
from hanoi_summit.core.models import AuditEntry
from tests import factories

DURING = "2025-10-26T15:00:00+07:00"
AFTER = "2025-10-27T09:00:00+07:00"


@pytest.fixture
def held(db):
    """Two members with everything the shredder removes, and the files on disk."""
    delegation = factories.DelegationFactory()
    members = [
        factories.MemberFactory(
            delegation=delegation, family_name=f"Nguyen{n}", function="Minister", with_photo=True
        )
        for n in range(2)
    ]
    factories.DocumentFactory(delegation=delegation)
    factories.DocumentFactory(delegation=delegation, member=members[0], kind="full_powers")
    badge = factories.BadgeFactory(
        accreditation=factories.AccreditationFactory(
            member=members[0], status="badge_issued", vetting_note="Interpol notice 2024-117"
        ),
        id_document_seen="passport ending 001",
    )
    batch = factories.PrintBatchFactory()
    batch.file.save("b.pdf", ContentFile(b"%PDF-1.4 badges"), save=True)
    # An upload whose row was never written: the folder is emptied all the same.
    orphan = default_storage.save("photos/999/orphan.jpg", ContentFile(b"jpeg"))
    files = [
        *(m.photo.name for m in members),
        *Document.objects.values_list("file", flat=True),
        batch.file.name,
    ]
    files.append(orphan)
    assert all(default_storage.exists(name) for name in files)
    return {"members": members, "badge": badge, "files": files}


EXPECTED = {
    "passport_numbers": 2,
    "passport_expiry_dates": 2,
    "dates_of_birth": 2,
    "photos": 2,
    "documents": 2,
    "files": 6,
    "vetting_notes": 1,
    "hand_over_passport_endings": 1,
    "badge_pdfs": 1,
}


def test_it_refuses_to_run_before_the_events_end(held, settings):
    settings.EVENT_NOW = DURING
    with pytest.raises(AccreditationError) as refused:
        personal_data_shred(actor=None)
    assert refused.value.code == "event_not_over"
    with pytest.raises(CommandError, match="The event is not over"):
        call_command("shred_personal_data", stdout=StringIO())
    assert Member.objects.exclude(passport_number="").count() == 2
    assert not AuditEntry.objects.filter(action="personal_data.shred").exists()


def test_the_dry_run_prints_the_counts_and_changes_nothing(held, settings):
    settings.EVENT_NOW = AFTER
    out = StringIO()
    call_command("shred_personal_data", "--dry-run", stdout=out)
    printed = out.getvalue()
    assert "passport numbers: 2" in printed and "files: 6" in printed and "vetting notes: 1" in printed
    assert "nothing was changed" in printed
    assert personal_data_shred(actor=None, dry_run=True) == EXPECTED
    assert Member.objects.exclude(passport_number="").count() == 2
    assert Document.objects.count() == 2
    assert all(default_storage.exists(name) for name in held["files"])
    assert not AuditEntry.objects.filter(action="personal_data.shred").exists()


def test_shredding_removes_the_data_and_files_and_keeps_the_list_of_participants(
    held, settings, django_capture_on_commit_callbacks
):
    settings.EVENT_NOW = AFTER
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("shred_personal_data", stdout=out)
    assert "Removed:" in out.getvalue()
    for member in Member.objects.all():
        assert (member.passport_number, member.passport_hash) == ("", "")
        assert member.passport_expiry is None and member.date_of_birth is None
        assert not member.photo
        # What the List of Participants and the statistics need stays.
        assert member.family_name.startswith("Nguyen") and member.function == "Minister"
        assert member.delegation_id == held["members"][0].delegation_id
    assert not Document.objects.exists()
    acc = Accreditation.objects.get()
    assert acc.vetting_note == "" and acc.status == "badge_issued"
    assert Badge.objects.get().id_document_seen == ""
    assert not PrintBatch.objects.get().file
    assert not any(default_storage.exists(name) for name in held["files"])
    entry = AuditEntry.objects.get(action="personal_data.shred")
    assert entry.after == EXPECTED
    assert (entry.target_type, entry.target_id) == ("delegations.member", "*")


def test_a_second_run_finds_nothing_and_writes_no_entry(held, settings, django_capture_on_commit_callbacks):
    settings.EVENT_NOW = AFTER
    with django_capture_on_commit_callbacks(execute=True):
        personal_data_shred(actor=None)
    again = personal_data_shred(actor=None)
    assert not any(again.values())
    assert AuditEntry.objects.filter(action="personal_data.shred").count() == 1


def test_force_runs_it_during_the_event_with_the_actor_audited(held, settings):
    settings.EVENT_NOW = DURING
    user = factories.StaffUserFactory(role="Secretariat", username="secretariat")
    personal_data_shred(actor=user, force=True)
    assert AuditEntry.objects.get(action="personal_data.shred").actor == user
    assert not Member.objects.exclude(passport_number="").exists()


def test_the_beat_runs_the_task_daily_on_the_periodic_queue():
    entry = next(
        e
        for e in django_settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"].endswith("personal_data_shred_task")
    )
    assert entry["schedule"] == 24 * 3600.0
    assert django_settings.CELERY_TASK_ROUTES[entry["task"]] == {"queue": "periodic"}
    assert entry["task"] == f"{personal_data_shred_task.__module__}.{personal_data_shred_task.__name__}"


def test_the_task_waits_for_the_retention_period_then_shreds_once(
    held, settings, django_capture_on_commit_callbacks
):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    due = personal_data_shred_due()
    assert due == event_end() + dt.timedelta(days=30)
    settings.EVENT_NOW = (due - dt.timedelta(hours=1)).isoformat()
    assert personal_data_shred_task.delay().get() is None
    assert Member.objects.exclude(passport_number="").count() == 2
    settings.EVENT_NOW = (due + dt.timedelta(hours=1)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        assert personal_data_shred_task.delay().get() == EXPECTED
    assert not any(default_storage.exists(name) for name in held["files"])
    assert not any(personal_data_shred_task.delay().get().values())
    assert AuditEntry.objects.filter(action="personal_data.shred").count() == 1
