"""Photos are judged by their content, not their names, and re-encoded."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from delegations.errors import DelegationError
from delegations.photos import photo_clean
from tests.factories import jpeg_bytes, pdf_bytes


def _upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _jpeg_with_exif():
    image = Image.new("RGB", (600, 800), (10, 20, 30))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc."  # Make
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_photo_is_reencoded_as_jpeg_without_exif():
    original = _jpeg_with_exif() + b"hidden payload appended after the image"
    cleaned = photo_clean(_upload(original)).read()
    assert cleaned != original
    assert b"hidden payload" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == "JPEG"
        assert image.size == (600, 800)
        assert not image.getexif()


def test_png_photo_is_accepted_and_becomes_jpeg():
    buffer = io.BytesIO()
    Image.new("RGBA", (450, 600), (1, 2, 3, 128)).save(buffer, "PNG")
    cleaned = photo_clean(_upload(buffer.getvalue(), "p.png", "image/png")).read()
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == "JPEG"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (jpeg_bytes(200, 260), "photo_too_small"),
        (jpeg_bytes(800, 600), "photo_not_portrait"),
        (b"MZ\x90\x00 this is a Windows program", "photo_invalid"),
        (pdf_bytes(), "photo_invalid"),
        (b"", "photo_invalid"),
    ],
)
def test_bad_photos_are_refused_with_a_code(data, code):
    with pytest.raises(DelegationError) as refused:
        photo_clean(_upload(data))
    assert refused.value.code == code
    assert refused.value.field == "photo"


def test_gif_is_refused_even_if_a_real_image():
    buffer = io.BytesIO()
    Image.new("RGB", (600, 800)).save(buffer, "GIF")
    with pytest.raises(DelegationError) as refused:
        photo_clean(_upload(buffer.getvalue(), "p.gif", "image/gif"))
    assert refused.value.code == "photo_invalid"


def test_oversized_photo_is_refused_before_decoding():
    upload = _upload(b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 10))
    with pytest.raises(DelegationError) as refused:
        photo_clean(upload)
    assert refused.value.code == "photo_too_large"
    assert "5 MB" in refused.value.message


def test_pixel_bomb_is_refused_before_decoding(monkeypatch):
    from delegations import photos

    monkeypatch.setattr(photos, "PHOTO_MAX_PIXELS", 600 * 800 - 1)
    with pytest.raises(DelegationError) as refused:
        photo_clean(_upload(jpeg_bytes(600, 800)))
    assert refused.value.code == "photo_too_large"
