"""Writes to a delegation's documents: PDFs checked by content, full powers naming a member."""

from django.db import transaction
from django.utils.translation import gettext as _

from delegations.errors import DelegationError
from delegations.models import Document, DocumentKind, Member
from delegations.services.common import lengths_check
from hanoi_summit.core.audit import audit_record
from hanoi_summit.core.files import UploadRefused, on_commit_delete, pdf_clean

#: The core check's codes, as delegations has always answered them.
_REFUSAL_CODES = {
    "too_large": "document_too_large",
    "not_pdf": "document_invalid",
    "active_content": "document_active_content",
}


def document_clean(upload):
    """The upload's bytes as a `ContentFile` if it is a PDF within the limit (core's one
    check), else DelegationError (field "file", code document_too_large, document_invalid or
    document_active_content)."""
    try:
        return pdf_clean(upload)
    except UploadRefused as refused:
        raise DelegationError(
            refused.message, code=_REFUSAL_CODES.get(refused.code, "document_invalid"), field="file"
        ) from refused


@transaction.atomic
def document_upload(*, delegation, actor, kind, upload, reference="", date=None, member=None):
    """Store a PDF for the delegation, checked by content. Full powers name a member of it.

    Side effects: one audit entry.
    """
    if kind not in DocumentKind.values:
        raise DelegationError(_("Choose the kind of document."), code="invalid", field="kind")
    if kind == DocumentKind.FULL_POWERS and (member is None or member.delegation_id != delegation.pk):
        raise DelegationError(
            _("Full powers name a member of the delegation."), code="invalid", field="member"
        )
    lengths_check(Document, {"reference": reference})
    content = document_clean(upload)
    document = Document(
        delegation=delegation,
        member=member if kind == DocumentKind.FULL_POWERS else None,
        kind=kind,
        reference=reference.strip(),
        date=date,
        original_name=(getattr(upload, "name", "") or "")[-200:],
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    document.file.save(content.name, content, save=False)
    document.save()
    audit_record(actor=actor, action="document.upload", target=document, after={"kind": kind})
    return document


@transaction.atomic
def document_delete(*, document, actor):
    """Remove a document uploaded by mistake; refused while members are under review, and for
    full powers (the signing page of the programme owns them and their verification)."""
    if document.kind == DocumentKind.FULL_POWERS:
        raise DelegationError(
            _("Full powers are replaced on the signing page, not removed here."), code="full_powers_kept"
        )
    if Member.objects.filter(delegation_id=document.delegation_id, is_locked=True).exists():
        raise DelegationError(
            _("Documents cannot be removed while members are under review."), code="delegation_locked"
        )
    audit_record(actor=actor, action="document.delete", target=document)
    on_commit_delete(document.file)
    document.delete()


def document_view_record(*, document, actor):
    """Write down that staff opened a delegation's document (its focal points' views are not)."""
    audit_record(actor=actor, action="document.view", target=document)
