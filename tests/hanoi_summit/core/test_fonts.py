"""One font family, shipped in the repository, registered once for every PDF."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accreditation.models import AccreditationStatus
from delegations.models import DelegationKind, ProtocolRank
from hanoi_summit.core import fonts
from sessions.models import SessionKind
from tests import factories
from tests.hanoi_summit.secretariat.exports.downloads import downloaded

VIETNAMESE = "Nguyễn Thị Hương ĐđƯưƠơẶặỄễỊịỮữ"


@pytest.fixture
def fresh_reportlab():
    """reportlab's font registry as a new process has it: no font of ours registered."""
    from reportlab import rl_config

    rl_config._reset()
    yield
    rl_config._reset()


def _font_names(content):
    names = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            # Subsets are named "ABCDEF+DejaVuSans-Bold".
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    # reportlab puts its default font on every page, whether text uses it or not.
    return names - {"Helvetica"}


@pytest.mark.parametrize("name", list(fonts.FACES))
def test_each_shipped_face_has_the_vietnamese_letters(name):
    from reportlab.pdfbase.ttfonts import TTFont

    path = fonts.FONT_DIR / fonts.FACES[name]
    glyphs = TTFont("probe", str(path)).face.charToGlyph
    assert all(ord(c) in glyphs for c in VIETNAMESE if not c.isspace()), name


def test_the_fonts_ship_with_their_licence():
    assert "Bitstream Vera" in (fonts.FONT_DIR / "LICENSE").read_text()


def test_register_fonts_is_idempotent_and_maps_the_family(fresh_reportlab):
    from reportlab.lib.fonts import tt2ps
    from reportlab.pdfbase import pdfmetrics

    assert fonts.register_fonts() == fonts.FAMILY
    assert fonts.register_fonts() == fonts.FAMILY
    assert set(fonts.FACES) <= set(pdfmetrics.getRegisteredFontNames())
    for name, filename in fonts.FACES.items():
        assert pdfmetrics.getFont(name).face.filename == str(fonts.FONT_DIR / filename)
    assert tt2ps(fonts.FAMILY, 0, 0) == fonts.REGULAR
    assert tt2ps(fonts.FAMILY, 1, 0) == fonts.BOLD
    assert tt2ps(fonts.FAMILY, 0, 1) == fonts.OBLIQUE
    assert tt2ps(fonts.FAMILY, 1, 1) == fonts.BOLD_OBLIQUE


def test_a_face_missing_from_the_registry_is_registered_again(fresh_reportlab):
    """Another PDF that registered only part of the family must not leave the rest out."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(fonts.REGULAR, str(fonts.FONT_DIR / fonts.FACES[fonts.REGULAR])))
    fonts.register_fonts()
    assert set(fonts.FACES) <= set(pdfmetrics.getRegisteredFontNames())


def test_bold_and_italic_markup_pick_the_family_faces(fresh_reportlab):
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    fonts.register_fonts()
    buffer = io.BytesIO()
    style = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=10)
    oblique = ParagraphStyle("oblique", fontName=fonts.OBLIQUE, fontSize=10)
    SimpleDocTemplate(buffer).build(
        [
            Paragraph(f"{VIETNAMESE} <b>bold</b> <i>italic</i> <b><i>both</i></b>", style),
            Paragraph("oblique, <b>then bold oblique</b>", oblique),
        ]
    )
    assert _font_names(buffer.getvalue()) == set(fonts.FACES)
    text = PdfReader(io.BytesIO(buffer.getvalue())).pages[0].extract_text()
    assert VIETNAMESE in text


@pytest.mark.django_db
def test_participants_list_after_a_programme_pdf_in_the_same_process(client, fresh_reportlab):
    """The programme's PDFs registered part of the family under the List of Participants'
    names, which then answered 500 for the rest of the process."""
    plenary = factories.SessionFactory(kind=SessionKind.PLENARY, booking_mode="none")
    factories.SpeakerRequestFactory(
        session=plenary,
        level=ProtocolRank.HEAD_OF_STATE,
        speaker__family_name="Nguyễn",
        speaker__given_names="Văn An",
        speaker__family_name_first=True,
    )
    ngo = factories.DelegationFactory(name="Access Now", kind=DelegationKind.NGO)
    member = factories.MemberFactory(
        delegation=ngo,
        family_name="Trần",
        given_names="Quốc Bảo",
        family_name_first=True,
        function="Adviser",
        photo="",
    )
    factories.AccreditationFactory(member=member, status=AccreditationStatus.APPROVED)

    client.force_login(factories.StaffUserFactory(role="Protocol officer"))
    programme = client.get(reverse("protocol_programme:speakers_pdf", args=[plenary.slug]))
    assert programme.status_code == 200
    assert _font_names(programme.content) <= set(fonts.FACES)

    client.force_login(factories.StaffUserFactory(role="Secretariat"))
    participants = downloaded(client.get("/dashboard/participants.pdf"))
    assert participants.status_code == 200
    assert participants["Content-Type"] == "application/pdf"
    content = b"".join(participants.streaming_content)
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Trần Quốc Bảo" in text and "Adviser" in text
    assert fonts.OBLIQUE in _font_names(content)
