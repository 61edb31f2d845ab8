"""Printable lists for protocol: the speakers' list and the signing order (A4, reportlab).

reportlab is imported inside the functions: it is slow to import and only these pages need it.
Set in DejaVu Sans (hanoi_summit.core.fonts), which carries the diacritics of Vietnamese and
of delegations' names.
"""

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _

from hanoi_summit.core import fonts
from hanoi_summit.core.clock import HANOI


def _document(title, subtitle, header, rows, widths):
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    fonts.register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
    )
    heading = ParagraphStyle("heading", fontName=fonts.BOLD, fontSize=15, leading=19)
    small = ParagraphStyle("small", fontName=fonts.REGULAR, fontSize=9, leading=12, textColor=colors.grey)
    cell = ParagraphStyle("cell", fontName=fonts.REGULAR, fontSize=9, leading=11)
    # Paragraph reads its text as markup: what people typed (a name with "<" or "&") is escaped.
    data = [header] + [[Paragraph(escape(str(value)), cell) for value in row] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), fonts.BOLD, 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#0b3d6e")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#eef2f7")]),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9aa7b5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    printed = timezone.localtime(timezone.now(), HANOI).strftime("%d %b %Y %H:%M")
    story = [
        Paragraph(escape(title), heading),
        Paragraph(escape(subtitle), small),
        Paragraph(_("Printed %(when)s (Hanoi time)") % {"when": printed}, small),
        Spacer(1, 6 * mm),
        table,
    ]
    doc.build(story)
    return buffer.getvalue()


def speakers_list_pdf(*, session, entries):
    """The speakers' list of one plenary, in speaking order."""
    rows = [
        (
            index,
            entry.delegation.name,
            entry.speaker.formal_name,
            entry.get_level_display(),
        )
        for index, entry in enumerate(entries, start=1)
    ]
    start = timezone.localtime(session.starts_at, HANOI).strftime("%A %d %B %Y, %H:%M")
    return _document(
        _("Speakers' list"),
        f"{session.title} · {start}",
        ["#", _("Delegation"), _("Speaker"), _("Level")],
        rows,
        [10, 65, 65, 40],
    )


def signing_order_pdf(*, ceremony, signatures):
    """The signing order with slot times (Hanoi time)."""
    rows = []
    for signature in signatures:
        if signature.slot_order is None:
            continue
        slot = (
            timezone.localtime(signature.slot_starts_at, HANOI).strftime("%H:%M")
            if signature.slot_starts_at
            else ""
        )
        signed = (
            timezone.localtime(signature.signed_at, HANOI).strftime("%H:%M") if signature.signed_at else ""
        )
        signatory = signature.signatory
        rows.append(
            (
                signature.slot_order,
                slot,
                signature.delegation.name,
                signatory.formal_name if signatory else "",
                signature.get_basis_display(),
                signed,
            )
        )
    subtitle = ceremony.title
    if ceremony.starts_at:
        subtitle += " · " + timezone.localtime(ceremony.starts_at, HANOI).strftime("%A %d %B %Y, %H:%M")
    return _document(
        _("Signing order"),
        subtitle,
        ["#", _("Slot"), _("Delegation"), _("Signatory"), _("Authority"), _("Signed")],
        rows,
        [10, 15, 50, 50, 40, 15],
    )
