"""The one font family of every PDF: DejaVu Sans, shipped in fonts/ next to this module.

DejaVu Sans has every Vietnamese letter and the rest of Latin script, so names print as typed.
Every PDF calls ``register_fonts()`` and uses the names below: one registration per process,
whichever PDF comes first, so one PDF can't leave the fonts half-registered for another.
reportlab is imported inside the function: it is slow to import and only PDFs need it.
"""

import threading
from pathlib import Path

FONT_DIR = Path(__file__).resolve().with_name("fonts")

FAMILY = REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
OBLIQUE = "DejaVuSans-Oblique"
BOLD_OBLIQUE = "DejaVuSans-BoldOblique"

#: reportlab name -> file in FONT_DIR
FACES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    OBLIQUE: "DejaVuSans-Oblique.ttf",
    BOLD_OBLIQUE: "DejaVuSans-BoldOblique.ttf",
}

_lock = threading.Lock()


def register_fonts():
    """Register the four faces and their family with reportlab; safe to call on every render.

    The family makes ``<b>``, ``<i>`` and ``<b><i>`` in a Paragraph (and bold or italic
    styles) pick the right face. Returns the family's name.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    # Each face is checked, not only the first: a family with a face missing is what made
    # one PDF fail after another had registered part of it.
    if set(FACES) <= set(pdfmetrics.getRegisteredFontNames()):
        return FAMILY
    with _lock:
        registered = set(pdfmetrics.getRegisteredFontNames())
        for name, filename in FACES.items():
            if name not in registered:
                pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
        # After the faces: registering a face maps it as a family of its own, which would
        # leave <b> inside an oblique paragraph without its bold oblique face.
        pdfmetrics.registerFontFamily(
            FAMILY, normal=REGULAR, bold=BOLD, italic=OBLIQUE, boldItalic=BOLD_OBLIQUE
        )
    return FAMILY
