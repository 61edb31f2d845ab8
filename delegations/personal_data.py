"""The delegations app's share of a person's data (hanoi_summit/core/personal_data.py): the
member's own fields and the documents that name them, with the photo and those files."""

from delegations.models import Document
from delegations.services import MEMBER_FIELDS
from hanoi_summit.core.personal_data import record_of

#: What the member record gives: every field the focal point keeps (the services' one list,
#: so a new field is not forgotten here) and what the event set; not the agenda link's secret
#: nor the passport's keyed hash (internal, not data about them).
RECORD_FIELDS = ("id", "delegation", *MEMBER_FIELDS, "is_locked", "created_at", "updated_at")
DOCUMENT_FIELDS = ("id", "kind", "reference", "date", "original_name", "uploaded_at")


def _documents(member):
    return Document.objects.filter(member=member).order_by("uploaded_at", "id")


def member_records(member):
    record = record_of(member, RECORD_FIELDS)
    record["photo"] = "photo.jpg" if member.photo else None
    return record


def document_records(member):
    return [
        {**record_of(document, DOCUMENT_FIELDS), "file": f"documents/{document.pk}.pdf"}
        for document in _documents(member)
    ]


def member_files(member):
    files = [("photo.jpg", member.photo)] if member.photo else []
    files += [
        (f"documents/{document.pk}.pdf", document.file) for document in _documents(member) if document.file
    ]
    return files
