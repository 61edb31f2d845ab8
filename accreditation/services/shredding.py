"""After the event, the personal data of every member shredded in one run: passport data,
dates of birth, photos, documents (delegations' share), security's vetting notes, the
passport endings noted at badge hand-over, and the badge PDFs (they carry the photos).

Kept: what the List of Participants and the statistics need (names, titles, functions,
delegations, roles, ranks, categories, accreditations, badges, scans, bookings). Refused
before the event is over unless forced; a dry run only counts; one audit entry per run that
removed something. The beat task runs it PERSONAL_DATA_RETENTION_DAYS after the event.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from accreditation.models import Accreditation, Badge, PrintBatch
from accreditation.workflow import AccreditationError
from delegations.models import Member
from delegations.services.shredding import members_personal_data_held, members_personal_data_shred
from hanoi_summit.core.audit import audit_record
from hanoi_summit.core.clock import event_end, event_now
from hanoi_summit.core.files import on_commit_delete_all, storage_files_under

#: Where rendered badge PDFs are stored (PrintBatch.file's upload_to).
BATCH_DIR = "batches"


class _EveryMember:
    """The audit target of a run over every member: the members' table, no one row."""

    _meta = Member._meta
    pk = "*"

    def __str__(self):
        return "every member"


def _batch_files():
    storage = PrintBatch._meta.get_field("file").storage
    names = PrintBatch.objects.exclude(file="").values_list("file", flat=True)
    return storage, sorted({*names, *storage_files_under(storage, BATCH_DIR)})


def personal_data_held():
    """What a shred would remove now: counts by kind (a dry run's answer)."""
    counts = members_personal_data_held()
    counts["vetting_notes"] = Accreditation.objects.exclude(vetting_note="").count()
    counts["hand_over_passport_endings"] = Badge.objects.exclude(id_document_seen="").count()
    counts["badge_pdfs"] = PrintBatch.objects.exclude(file="").count()
    counts["files"] += len(_batch_files()[1])
    return counts


def personal_data_shred_due():
    """When the beat task shreds: PERSONAL_DATA_RETENTION_DAYS after the event is over."""
    return event_end() + dt.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)


@transaction.atomic
def personal_data_shred(*, actor, force=False, dry_run=False, now=None):
    """Shred every member's personal data (see the module); return the counts of what went
    (or, with `dry_run`, of what would go, changing nothing).

    Refused (code "event_not_over") before the event's end unless `force`. Files leave the
    disk once the transaction commits. One audit entry ("personal_data.shred", the counts)
    when anything was removed: a second run finds nothing and writes nothing.
    """
    if not force and (now or event_now()) < event_end():
        raise AccreditationError(
            _("The event is not over: personal data is shredded only after its last day (or when forced)."),
            code="event_not_over",
        )
    if dry_run:
        return personal_data_held()
    storage, batch_files = _batch_files()
    counts = members_personal_data_shred()
    counts["vetting_notes"] = Accreditation.objects.exclude(vetting_note="").update(vetting_note="")
    counts["hand_over_passport_endings"] = Badge.objects.exclude(id_document_seen="").update(
        id_document_seen=""
    )
    counts["badge_pdfs"] = PrintBatch.objects.exclude(file="").update(file="")
    counts["files"] += len(batch_files)
    on_commit_delete_all(storage, batch_files)
    if any(counts.values()):
        audit_record(actor=actor, action="personal_data.shred", target=_EveryMember(), after=counts)
    return counts
