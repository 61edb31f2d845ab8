"""What people upload cannot carry anything active to the next person who opens it: photos keep
no metadata, PDFs with scripts, automatic actions or attached files are refused, and every
private file is served sandboxed, unsniffed, and downloaded where it need not open inline."""

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageCms

from accreditation.models import PrintBatch
from delegations.models import Document
from delegations.photos import photo_clean
from hanoi_summit.core import files
from sessions.models import FullPowersStatus, SigningBasis
from tests import factories
from tests.factories import pdf_bytes
from tests.security import pdfs
from tests.security.portal_uploads import post_full_powers, post_note_verbale

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = b"<script>alert(document.cookie)</script>"

# --- Photos ---------------------------------------------------------------------------------


def _segments(jpeg):
    """The markers of a JPEG's segments, up to the image data (start of scan)."""
    markers, at = [], 2
    while at < len(jpeg):
        marker = jpeg[at + 1]
        markers.append(marker)
        if marker == 0xDA:
            break
        at += 2 + int.from_bytes(jpeg[at + 2 : at + 4], "big")
    return markers


def _loaded_jpeg():
    """A portrait JPEG with a comment holding HTML and script, EXIF and an ICC profile."""
    image = Image.new("RGB", (600, 800), (200, 180, 160))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x8298] = SCRIPT.decode()  # Copyright
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", comment=SCRIPT, exif=exif.tobytes(), icc_profile=icc)
    data = buffer.getvalue()
    assert {0xFE, 0xE1, 0xE2} <= set(_segments(data))
    return data


COM, APP1, APP2 = 0xFE, 0xE1, 0xE2


def test_a_reencoded_photo_keeps_no_comment_exif_or_profile():
    photo = photo_clean(SimpleUploadedFile("p.jpg", _loaded_jpeg(), "image/jpeg")).read()
    segments = _segments(photo)
    assert COM not in segments
    assert APP1 not in segments and APP2 not in segments
    assert b"<script" not in photo
    assert Image.open(io.BytesIO(photo)).size == (600, 800)


def test_a_png_text_chunk_does_not_survive_either():
    image = Image.new("RGB", (600, 800), (200, 180, 160))
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("comment", SCRIPT.decode())
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=text)
    photo = photo_clean(SimpleUploadedFile("p.png", buffer.getvalue(), "image/png")).read()
    assert COM not in _segments(photo) and b"<script" not in photo


def test_a_photo_uploaded_through_the_api_is_stored_without_its_comment(api, delegation):
    member = factories.MemberFactory(delegation=delegation)
    upload = SimpleUploadedFile("p.jpg", _loaded_jpeg(), "image/jpeg")
    response = api.post(f"/api/delegation/members/{member.pk}/photo/", {"photo": upload}, format="multipart")
    assert response.status_code == 200, response.content[:300]
    member.refresh_from_db()
    stored = member.photo.read()
    assert COM not in _segments(stored) and b"<script" not in stored


# --- PDFs with active content -----------------------------------------------------------------

ACTIVE = {
    "JavaScript run on opening (/OpenAction)": lambda: pdfs.simple_pdf(
        catalog_extra=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "
    ),
    "JavaScript in the names tree": lambda: pdfs.simple_pdf(
        catalog_extra=b"/Names << /JavaScript << /Names [(a) 4 0 R] >> >> ",
        extra_objects={4: b"<< /S /JavaScript /JS (app.alert(1)) >>"},
    ),
    "an attached file (/EmbeddedFiles)": lambda: pdfs.simple_pdf(
        catalog_extra=b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >> ",
        extra_objects={4: b"<< /Type /Filespec /F (a.exe) >>"},
    ),
    "a link that launches a program (/Launch)": lambda: pdfs.simple_pdf(
        page_extra=b"/Annots [4 0 R] ",
        extra_objects={
            4: b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /Launch /F (cmd.exe) >> >>"
        },
    ),
    "an action on opening a page (/AA)": lambda: pdfs.simple_pdf(
        page_extra=b"/AA << /O 4 0 R >> ", extra_objects={4: b"<< /S /GoTo /D [3 0 R /Fit] >>"}
    ),
    "an action on closing the file (catalog /AA)": lambda: pdfs.simple_pdf(
        catalog_extra=b"/AA << /WC << /S /JavaScript /JS (x) >> >> "
    ),
    "/OpenAction in an indirect action": lambda: pdfs.simple_pdf(
        catalog_extra=b"/OpenAction 4 0 R ", extra_objects={4: b"<< /S 5 0 R /F (x) >>", 5: b"/Launch"}
    ),
}


@pytest.mark.parametrize("name", ACTIVE)
def test_a_pdf_with_active_content_is_refused(name):
    with pytest.raises(files.UploadRefused) as refused:
        files.pdf_clean(SimpleUploadedFile("nv.pdf", ACTIVE[name](), "application/pdf"))
    assert refused.value.code == "active_content"
    assert "scripts, automatic actions or attached files" in refused.value.message


def test_the_names_are_read_by_pypdf_not_grepped_from_the_bytes():
    # The word /JavaScript in a page's text, or in a string, is no script.
    harmless = pdfs.simple_pdf(catalog_extra=b"/Lang (/JavaScript /OpenAction /Launch) ")
    assert files.pdf_clean(SimpleUploadedFile("nv.pdf", harmless, "application/pdf"))


@pytest.mark.parametrize(
    "catalog_extra, page_extra, extra",
    [
        (b"/OpenAction [3 0 R /Fit] ", b"", None),  # open at the first page (word processors)
        (
            b"",
            b"/Annots [4 0 R] ",
            {4: b"<< /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (mailto:a@b.c) >> >>"},
        ),
    ],
)
def test_opening_at_a_page_and_links_are_kept(catalog_extra, page_extra, extra):
    data = pdfs.simple_pdf(catalog_extra=catalog_extra, page_extra=page_extra, extra_objects=extra)
    assert files.pdf_clean(SimpleUploadedFile("nv.pdf", data, "application/pdf")).read() == data


@pytest.mark.parametrize("name", ACTIVE)
def test_a_note_verbale_with_active_content_is_refused_on_the_form(name, focal_client, delegation):
    response = post_note_verbale(focal_client, ACTIVE[name]())
    assert response.status_code == 200
    assert "scripts, automatic actions or attached files" in response.content.decode()
    assert not Document.objects.exists()


@pytest.mark.parametrize("name", ACTIVE)
def test_full_powers_with_active_content_are_a_400(name, db):
    response = post_full_powers(ACTIVE[name]())
    assert response.status_code == 400
    assert response.json()["code"] == "document_active_content"
    assert "scripts" in response.json()["detail"]
    assert not Document.objects.exists()


# --- Serving private files ----------------------------------------------------------------------


def _served(response, *, inline, cache_control=None):
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline" if inline else "attachment"), disposition
    if cache_control:
        assert response["Cache-Control"] == cache_control
    else:
        assert "no-store" in response["Cache-Control"]


def test_portal_member_photo(focal_client, delegation):
    member = factories.MemberFactory(delegation=delegation, with_photo=True)
    _served(focal_client.get(reverse("portal:member-photo", args=[member.pk])), inline=True)


def test_portal_document_is_downloaded(focal_client, delegation):
    document = factories.DocumentFactory(delegation=delegation)
    response = focal_client.get(reverse("portal:document-file", args=[document.pk]))
    _served(response, inline=False)
    assert f'filename="{document.kind}-{document.pk}.pdf"' in response["Content-Disposition"]


def test_review_member_photo(client, db):
    member = factories.MemberFactory(with_photo=True)
    client.force_login(factories.StaffUserFactory(role="Accreditation officer"))
    response = client.get(reverse("review:member-photo", args=[member.pk]))
    _served(response, inline=True, cache_control="no-store")
    assert response["Content-Disposition"] == "inline"


def test_gate_badge_photo(client, db):
    badge = factories.BadgeFactory(accreditation__member=factories.MemberFactory(with_photo=True))
    officer = factories.StaffUserFactory(role="Gate officer")
    # A gate sees only the photo of a badge it has just scanned.
    factories.ScanFactory(badge=badge, officer=officer)
    client.force_login(officer)
    response = client.get(f"/protocol/checkin/photo/{badge.pk}/")
    _served(response, inline=True)
    assert response["Content-Disposition"] == "inline"


def test_protocol_badge_batch_pdf(client, db):
    batch = factories.PrintBatchFactory(status=PrintBatch.Status.DONE)
    batch.file.save("batch.pdf", ContentFile(pdf_bytes()))
    client.force_login(factories.StaffUserFactory(role="Protocol officer"))
    response = client.get(reverse("protocol:batch-pdf", args=[batch.pk]))
    _served(response, inline=False, cache_control="no-store")
    assert f'filename="badges-{batch.pk}.pdf"' in response["Content-Disposition"]


def test_programme_full_powers_file(secretariat_client):
    signature = factories.SignatureFactory(
        basis=SigningBasis.FULL_POWERS,
        full_powers_status=FullPowersStatus.RECEIVED,
        full_powers=factories.DocumentFactory(kind="full_powers"),
    )
    response = secretariat_client.get(reverse("protocol_programme:full_powers_file", args=[signature.pk]))
    _served(response, inline=False)
    assert 'filename="full-powers.pdf"' in response["Content-Disposition"]


def test_every_stored_file_is_served_through_the_one_helper():
    helper = ROOT / "hanoi_summit/core/http.py"
    sources = [
        path
        for folder in ("accreditation", "delegations", "sessions", "hanoi_summit")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts and path != helper
    ]
    building = [str(path.relative_to(ROOT)) for path in sources if "FileResponse(" in path.read_text()]
    assert building == []
