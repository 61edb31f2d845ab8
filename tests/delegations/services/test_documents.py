import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from delegations import services
from delegations.errors import DelegationError
from delegations.models import Member
from tests import factories

pytestmark = pytest.mark.django_db

SITE = "https://summit.example"


def test_document_upload_stores_a_checked_pdf(delegation, focal_user):
    upload = SimpleUploadedFile("NV 12.pdf", factories.pdf_bytes(), content_type="application/pdf")
    document = services.document_upload(
        delegation=delegation, actor=focal_user, kind="note_verbale", upload=upload
    )
    assert document.file.name.startswith(f"documents/{delegation.pk}/")
    assert document.original_name == "NV 12.pdf"
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90 program", content_type="application/pdf")
    with pytest.raises(DelegationError):
        services.document_upload(delegation=delegation, actor=focal_user, kind="note_verbale", upload=fake)
    assert delegation.documents.count() == 1


def test_document_delete_rules(delegation, focal_user):
    note = factories.DocumentFactory(delegation=delegation)
    member = factories.MemberFactory(delegation=delegation)
    full_powers = factories.DocumentFactory(delegation=delegation, kind="full_powers", member=member)
    with pytest.raises(DelegationError) as refused:
        services.document_delete(document=full_powers, actor=focal_user)
    assert refused.value.code == "full_powers_kept"
    Member.objects.filter(pk=member.pk).update(is_locked=True)
    with pytest.raises(DelegationError) as refused:
        services.document_delete(document=note, actor=focal_user)
    assert refused.value.code == "delegation_locked"
    Member.objects.filter(pk=member.pk).update(is_locked=False)
    services.document_delete(document=note, actor=focal_user)
    assert list(delegation.documents.all()) == [full_powers]


def _upload(data, name, content_type):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_real_pdf_passes():
    data = factories.pdf_bytes("Note verbale No. 12/2025")
    assert services.document_clean(_upload(data, "nv.pdf", "application/pdf")).read() == data


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00 an executable renamed to .pdf",
        b"%PDF-1.7\n this starts like a PDF but is not one \x00\x01",
        factories.jpeg_bytes(),
    ],
)
def test_fake_pdfs_are_refused(data):
    with pytest.raises(DelegationError) as refused:
        services.document_clean(_upload(data, "nv.pdf", "application/pdf"))
    assert refused.value.code == "document_invalid"


def test_oversized_pdf_is_refused():
    upload = _upload(b"%PDF-1.4" + b"0" * (10 * 1024 * 1024), "big.pdf", "application/pdf")
    with pytest.raises(DelegationError) as refused:
        services.document_clean(upload)
    assert refused.value.code == "document_too_large"
