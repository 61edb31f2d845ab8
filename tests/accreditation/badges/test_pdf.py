"""Badge PDFs read back: pages and sizes per layout, exact text, embedded photos, decodable QR."""

import io

import pytest
from django.core.files.base import ContentFile

from accreditation.badges import codes, pdf
from accreditation.models import Badge
from tests.factories import BadgeFactory, jpeg_bytes

MM = 72 / 25.4
VIETNAMESE = "Nguyễn Thị Hương"


def _noisy_jpeg(seed):
    """A 600x800 photo with detail, so JPEG sizes are realistic (a flat colour is tiny)."""
    import random

    from PIL import Image

    rng = random.Random(seed)
    image = Image.effect_noise((150, 200), 60).convert("RGB").resize((600, 800))
    image.paste((rng.randrange(256), rng.randrange(256), rng.randrange(256)), (0, 0, 600, 120))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


@pytest.fixture
def badges(db):
    made = [
        BadgeFactory(
            accreditation__member__badge_name=VIETNAMESE if i == 0 else f"Zoë Ångström-Müller {i}",
            accreditation__member__function="Vice-Minister of Public Security",
            accreditation__member__photo=ContentFile(_noisy_jpeg(i), name="p.jpg"),
            accreditation__member__delegation__name="Ministry of Public Security of Viet Nam",
            category__code="VIP",
            category__name="Heads of delegation",
            zone_codes="PLN SIG",
        )
        for i in range(5)
    ]
    return list(
        Badge.objects.filter(pk__in=[b.pk for b in made])
        .select_related("accreditation__member__delegation", "category")
        .order_by("pk")
    )


def _render(badges, layout, **kwargs):
    out = io.BytesIO()
    count = pdf.render_badges(badges=badges, layout=layout, out=out, **kwargs)
    assert count == len(badges)
    return out.getvalue()


def _reader(data):
    import pypdf

    return pypdf.PdfReader(io.BytesIO(data))


def _qr_texts(data, page_index=0):
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(data)
    image = document[page_index].render(scale=300 / 72).to_pil()
    # QR codes only: a photo's noise can read as a short 1D barcode ("0738" once).
    return [result.text for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


@pytest.mark.parametrize(
    ("layout", "pages", "width_mm", "height_mm"),
    [("cr80", 5, 54, 85.6), ("a6", 5, 105, 148), ("a4x4", 2, 210, 297)],
)
def test_page_count_and_size_per_layout(badges, layout, pages, width_mm, height_mm):
    reader = _reader(_render(badges, layout))
    assert len(reader.pages) == pages
    for page in reader.pages:
        box = page.mediabox
        assert float(box.width) == pytest.approx(width_mm * MM, abs=0.5)
        assert float(box.height) == pytest.approx(height_mm * MM, abs=0.5)


def test_cr80_is_a_credit_card(badges):
    box = _reader(_render(badges[:1], "cr80")).pages[0].mediabox
    assert sorted([float(box.width), float(box.height)]) == pytest.approx([54 * MM, 85.6 * MM], abs=0.5)
    assert float(box.height) == pytest.approx(242.65, abs=0.5)


@pytest.mark.parametrize("layout", ["cr80", "a6", "a4x4"])
def test_vietnamese_name_is_extractable_exactly(badges, layout):
    text = _reader(_render(badges, layout)).pages[0].extract_text()
    assert VIETNAMESE in text
    assert "Zoë Ångström-Müller 1" in text or layout != "a4x4"
    assert "Vice-Minister of Public Security" in text
    assert "Ministry of Public Security of Viet Nam" in text
    assert "PLN SIG" in text
    assert "VIP" in text


@pytest.mark.parametrize(("layout", "per_page"), [("cr80", 1), ("a6", 1), ("a4x4", 4)])
def test_qr_codes_decode_as_genuine(badges, layout, per_page):
    texts = _qr_texts(_render(badges, layout))
    assert len(texts) == per_page
    decoded = sorted((codes.decode(t).number, codes.decode(t).version) for t in texts)
    assert decoded == sorted((b.number, b.version) for b in badges[:per_page])


def test_long_names_shrink_to_fit_and_are_never_cut(badges):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    long_name = "Maria-Fernanda de los Ángeles Quiñones-Villaseñor y Đặng Thị Ngọc Hoa Lê"
    member = badges[0].accreditation.member
    member.badge_name = long_name
    text = _reader(_render(badges[:1], "cr80")).pages[0].extract_text()
    assert long_name in " ".join(text.split())
    pdf.register_fonts()
    width = pdf.CARD.name.max_width * MM
    lines, size = pdf.split_name(long_name, pdf.FONT_BOLD, pdf.CARD.name.size, width)
    assert " ".join(lines) == long_name
    assert len(lines) == 2
    assert size < pdf.CARD.name.size
    assert all(stringWidth(line, pdf.FONT_BOLD, size) <= width for line in lines)


def test_short_names_keep_the_design_size(badges):
    pdf.register_fonts()
    lines, size = pdf.split_name("Ana Lê", pdf.FONT_BOLD, 11, pdf.CARD.name.max_width * MM)
    assert (lines, size) == (["Ana Lê"], 11)


def test_photos_are_embedded_at_print_resolution(badges):
    data = _render(badges, "cr80")
    page = _reader(data).pages[0]
    images = list(page.images)
    assert len(images) == 1
    width, height = images[0].image.size
    # 22 x 28 mm at 300 dpi, not the 600 x 800 upload.
    assert (width, height) == (260, 331)
    uploaded = badges[0].accreditation.member.photo.size
    assert len(images[0].data) < uploaded / 3


def test_a_missing_photo_leaves_a_blank_frame(badges):
    badges[0].accreditation.member.photo = ""
    data = _render(badges[:1], "a6")
    assert list(_reader(data).pages[0].images) == []
    assert len(_qr_texts(data)) == 1


def test_progress_is_reported_every_fifty_badges(badges):
    seen = []
    _render(badges[:1] * 55, "cr80", on_progress=seen.append)
    assert seen == [50, 55]


def test_category_colour_band_is_drawn(badges):
    import pypdfium2

    badges[0].category.colour = "#1565C0"
    data = _render(badges[:1], "a6")
    image = pypdfium2.PdfDocument(data)[0].render(scale=1).to_pil().convert("RGB")
    # Bottom band, left margin: the category colour.
    assert image.getpixel((5, image.height - 5)) == (0x15, 0x65, 0xC0)


def test_jpeg_bytes_factory_photo_is_accepted(db):
    badge = BadgeFactory(accreditation__member__photo=ContentFile(jpeg_bytes(2000, 2600), name="big.jpg"))
    data = _render([badge], "cr80")
    assert len(_qr_texts(data)) == 1


@pytest.mark.parametrize("layout", ["cr80", "a6", "a4x4"])
def test_the_short_number_and_the_zone_legend_are_printed(badges, layout):
    from accreditation.badges.short import short_number
    from tests.factories import ZoneFactory

    ZoneFactory(code="PLN", name="Plenary hall")
    ZoneFactory(code="SIG", name="Signing stage")
    text = _reader(_render(badges, layout)).pages[0].extract_text()
    assert short_number(badges[0].number) in text
    assert "PLN = Plenary hall · SIG = Signing stage" in text
