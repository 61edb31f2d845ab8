"""After the event: the members' passport data, dates of birth, photos and documents removed;
what the List of Participants and the statistics need (names, functions, delegations, roles,
ranks) kept. The whole run, with accreditation's share and its audit entry, is
accreditation.services.shredding.personal_data_shred."""

from django.db.models import Q

from delegations.models import DOCUMENT_DIR, PHOTO_DIR, Document, Member
from hanoi_summit.core.files import on_commit_delete_all, storage_files_under

#: A member still holding any of the data shredded.
_HOLDING = (
    ~Q(passport_number="")
    | ~Q(passport_hash="")
    | Q(passport_expiry__isnull=False)
    | Q(date_of_birth__isnull=False)
    | ~Q(photo="")
)


def _files():
    """(storage, names) of every photo and document file: those the rows name, and any
    other file left in their folders (an upload whose row was never written)."""
    photos = Member._meta.get_field("photo").storage
    documents = Document._meta.get_field("file").storage
    found = []
    for storage, folder, names in (
        (photos, PHOTO_DIR, Member.objects.exclude(photo="").values_list("photo", flat=True)),
        (documents, DOCUMENT_DIR, Document.objects.exclude(file="").values_list("file", flat=True)),
    ):
        found.append((storage, sorted({*names, *storage_files_under(storage, folder)})))
    return found


def members_personal_data_held():
    """How much of what the shredder removes the members hold: counts by kind."""
    return {
        "passport_numbers": Member.objects.exclude(passport_number="").count(),
        "passport_expiry_dates": Member.objects.filter(passport_expiry__isnull=False).count(),
        "dates_of_birth": Member.objects.filter(date_of_birth__isnull=False).count(),
        "photos": Member.objects.exclude(photo="").count(),
        "documents": Document.objects.count(),
        "files": sum(len(names) for _storage, names in _files()),
    }


def members_personal_data_shred():
    """Remove every member's passport data, date of birth and photo, and every document
    (rows and files; the files once the caller's transaction commits). Returns the counts
    of members_personal_data_held() as they were. The caller audits."""
    counts = members_personal_data_held()
    files = _files()
    Member.objects.filter(_HOLDING).update(
        passport_number="", passport_hash="", passport_expiry=None, date_of_birth=None, photo=""
    )
    Document.objects.all().delete()
    for storage, names in files:
        on_commit_delete_all(storage, names)
    return counts
