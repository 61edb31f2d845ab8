"""Badge PDFs: one document for a batch, in one of three layouts.

Layouts and badge designs are plain data (sizes and positions in millimetres); the drawing
code reads them. Views and tasks import this module lazily: reportlab and Pillow stay out of
Django's start-up.

Large batches must render in reasonable time, so: reportlab's ASCII85 encoding of streams
(``rl_config.useA85``) is switched off; photos are downscaled to print resolution once and
handed to reportlab as JPEG files, which it embeds without decoding (in-memory ImageReaders
are slower); the QR code is one vector path built from segno's matrix rather than
reportlab's slower QR widget.
"""

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from accreditation.badges import codes
from accreditation.badges.short import short_number
from accreditation.models import Zone
from delegations.models import delegation_label_of, function_label_of
from hanoi_summit.core.fonts import BOLD, REGULAR, register_fonts

logger = logging.getLogger(__name__)

MM = 72 / 25.4
PHOTO_DPI = 300
PHOTO_JPEG_QUALITY = 80
PROGRESS_EVERY = 50
QR_MASK = 4

# DejaVu Sans, shipped in the repository: every Vietnamese letter and the rest of Latin script.
FONT = REGULAR
FONT_BOLD = BOLD


@dataclass(frozen=True)
class Box:
    """A rectangle inside a badge, in mm from the badge's bottom-left corner."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Text:
    """One line of text: centred on ``x`` (or left/right aligned) at baseline ``y``, in mm."""

    x: float
    y: float
    max_width: float
    size: float
    bold: bool = False
    align: str = "centre"


@dataclass(frozen=True)
class BadgeDesign:
    """Where each element of one badge goes. Sizes in mm, font sizes in points."""

    width: float
    height: float
    header: Box
    event_name: Text
    event_dates: Text
    photo: Box
    qr: Box
    name: Text
    function: Text
    delegation: Text
    footer: Box
    category_code: Text
    category_name: Text
    zones: Text
    #: The short number to type at a gate (101333-K), under the QR code.
    short: Text
    #: What the zone codes mean: "PLN = Plenary hall · SIG = Signing stage".
    legend: Text


@dataclass(frozen=True)
class PageLayout:
    """A page format: its size in mm, the design used and where each badge's corner goes."""

    page_width: float
    page_height: float
    design: BadgeDesign
    slots: tuple[tuple[float, float], ...]
    crop_marks: bool = False


# A CR80 card in portrait (54 x 85.6 mm), as lanyard cards are worn.
CARD = BadgeDesign(
    width=54,
    height=85.6,
    header=Box(0, 74.6, 54, 11),
    event_name=Text(27, 80.6, 50, 6.5, bold=True),
    event_dates=Text(27, 76.6, 50, 5.5),
    photo=Box(3.5, 43.5, 22, 28),
    qr=Box(27.5, 45.5, 24, 24),
    name=Text(27, 36.5, 48, 11, bold=True),
    function=Text(27, 32.2, 48, 6.5),
    delegation=Text(27, 27.6, 48, 7.5, bold=True),
    footer=Box(0, 0, 54, 17),
    category_code=Text(3.5, 7.5, 22, 18, bold=True, align="left"),
    category_name=Text(3.5, 3, 30, 5.5, align="left"),
    zones=Text(50.5, 8, 24, 8, bold=True, align="right"),
    short=Text(39.5, 42.3, 24, 7, bold=True),
    legend=Text(27, 19.5, 50, 5),
)

# A6 badge in portrait (105 x 148 mm), for pouches; also the quarter of an A4 sheet.
A6_BADGE = BadgeDesign(
    width=105,
    height=148,
    header=Box(0, 128, 105, 20),
    event_name=Text(52.5, 139, 95, 10, bold=True),
    event_dates=Text(52.5, 132, 95, 8),
    photo=Box(9, 76, 36, 46),
    qr=Box(56, 80, 40, 40),
    name=Text(52.5, 62, 91, 20, bold=True),
    function=Text(52.5, 54, 91, 10),
    delegation=Text(52.5, 45, 91, 13, bold=True),
    footer=Box(0, 0, 105, 32),
    category_code=Text(9, 14, 45, 34, bold=True, align="left"),
    category_name=Text(9, 6, 60, 9, align="left"),
    zones=Text(96, 15, 45, 14, bold=True, align="right"),
    short=Text(76, 75, 40, 11, bold=True),
    legend=Text(52.5, 36, 95, 8),
)

# Four A6 badges tile an A4 sheet (210 x 297 mm) leaving 1 mm, split above and below.
LAYOUTS = {
    "cr80": PageLayout(54, 85.6, CARD, ((0, 0),)),
    "a6": PageLayout(105, 148, A6_BADGE, ((0, 0),)),
    "a4x4": PageLayout(210, 297, A6_BADGE, ((0, 148.5), (105, 148.5), (0, 0.5), (105, 0.5)), crop_marks=True),
}


def fit_size(text, font, size, max_width, *, min_size=3.0):
    """The largest size <= ``size`` at which ``text`` fits ``max_width`` points; never cuts."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    width = stringWidth(text, font, size)
    if width <= max_width:
        return size
    # Width is linear in size: one division lands close, the loop absorbs rounding.
    size = max(min_size, size * max_width / width)
    while size > min_size and stringWidth(text, font, size) > max_width:
        size -= 0.25
    return size


def _hex(colour, default):
    from reportlab.lib.colors import HexColor

    try:
        return HexColor(colour)
    except (ValueError, TypeError):
        return HexColor(default)


def _photo_file(member, box, workdir, index):
    """The member's photo cropped to the box and downscaled to print resolution, as a JPEG file.

    None when there is no readable photo (heads of state are exempt from sending one).
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    photo = getattr(member, "photo", None)
    if not photo:
        return None
    target = (round(box.w / 25.4 * PHOTO_DPI), round(box.h / 25.4 * PHOTO_DPI))
    try:
        try:
            source = photo.path
        except NotImplementedError:  # a storage without local files
            source = photo.open("rb")
        with Image.open(source) as image:
            # JPEG draft mode decodes at 1/2, 1/4 or 1/8 scale: far faster for big uploads.
            image.draft("RGB", target)
            image = ImageOps.fit(image.convert("RGB"), target, Image.Resampling.BILINEAR)
            path = Path(workdir) / f"{index}.jpg"
            image.save(path, "JPEG", quality=PHOTO_JPEG_QUALITY, optimize=False)
            return str(path)
    except (OSError, UnidentifiedImageError, ValueError):
        logger.warning("Unreadable photo for member %s", getattr(member, "pk", None))
        return None


def _draw_qr(canvas, text, box, ox, oy):
    """Draw the QR code as one filled path of horizontal runs of dark modules.

    The path is written in module units under a scaling matrix, as integers: formatting
    hundreds of floats per code through reportlab's path API is slow.
    """
    import segno

    # A fixed mask: segno's search for the best of eight masks is pure Python and costs
    # more than everything else on a badge. Any mask decodes the same.
    qr = segno.make(text, error="m", micro=False, mask=QR_MASK)
    matrix = qr.matrix
    count = len(matrix)
    # A quiet zone of 2 modules inside the box: the badge around it is white.
    module = min(box.w, box.h) * MM / (count + 4)
    left = (ox + box.x) * MM + (box.w * MM - module * count) / 2
    bottom = (oy + box.y) * MM + (box.h * MM - module * count) / 2
    runs = []
    for row_index, row in enumerate(matrix):
        y = count - 1 - row_index
        start = None
        for col, dark in enumerate((*row, 0)):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                runs.append(f"{start} {y} {col - start} 1 re")
                start = None
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.transform(module, 0, 0, module, left, bottom)
    canvas.addLiteral("\n".join(runs) + "\nf")
    canvas.restoreState()


def _draw_text(canvas, text, spec, ox, oy):
    if not text:
        return
    font = FONT_BOLD if spec.bold else FONT
    size = fit_size(text, font, spec.size, spec.max_width * MM)
    canvas.setFont(font, size)
    x, y = (ox + spec.x) * MM, (oy + spec.y) * MM
    if spec.align == "left":
        canvas.drawString(x, y, text)
    elif spec.align == "right":
        canvas.drawRightString(x, y, text)
    else:
        canvas.drawCentredString(x, y, text)


def split_name(name, font, size, max_width):
    """One line if it fits at 70% of the design size or more, else two lines of one size."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    one_line = fit_size(name, font, size, max_width)
    words = name.split()
    if one_line >= size * 0.7 or len(words) < 2:
        return [name], one_line
    # The break that leaves the longer line shortest.
    cut = min(
        range(1, len(words)),
        key=lambda i: max(
            stringWidth(" ".join(words[:i]), font, size), stringWidth(" ".join(words[i:]), font, size)
        ),
    )
    lines = [" ".join(words[:cut]), " ".join(words[cut:])]
    return lines, min(fit_size(line, font, size, max_width) for line in lines)


def _draw_name(canvas, name, spec, ox, oy):
    lines, size = split_name(name, FONT_BOLD, spec.size, spec.max_width * MM)
    canvas.setFont(FONT_BOLD, size)
    x, y = (ox + spec.x) * MM, (oy + spec.y) * MM
    if len(lines) == 2:
        y += size * 0.55
    for line in lines:
        canvas.drawCentredString(x, y, line)
        y -= size * 1.1


def delegation_label(delegation):
    """The country's name for States, the organisation's name (and acronym) otherwise."""
    return delegation_label_of(delegation.name, delegation.acronym, delegation.country.code, delegation.kind)


def function_label(member):
    return function_label_of(member.function, member.role)


def zone_legend(zone_codes, zone_names):
    """ "PLN = Plenary hall · SIG = Signing stage" for a badge's zone codes."""
    return " · ".join(f"{code} = {zone_names.get(code, code)}" for code in zone_codes.split())


def _draw_badge(canvas, badge, design, ox, oy, photo_path, zone_names):
    from reportlab.lib.colors import HexColor

    member = badge.accreditation.member
    category = badge.category
    band = _hex(category.colour, "#555555")
    band_text = _hex(category.text_colour, "#FFFFFF")

    for box in (design.header, design.footer):
        canvas.setFillColor(band)
        canvas.rect((ox + box.x) * MM, (oy + box.y) * MM, box.w * MM, box.h * MM, stroke=0, fill=1)
    canvas.setFillColor(band_text)
    _draw_text(canvas, settings.EVENT_NAME, design.event_name, ox, oy)
    _draw_text(canvas, settings.EVENT_DATES, design.event_dates, ox, oy)
    _draw_text(canvas, category.code, design.category_code, ox, oy)
    _draw_text(canvas, category.name, design.category_name, ox, oy)
    _draw_text(canvas, " ".join(badge.zone_codes.split()), design.zones, ox, oy)

    box = design.photo
    x, y, w, h = (ox + box.x) * MM, (oy + box.y) * MM, box.w * MM, box.h * MM
    if photo_path:
        canvas.drawImage(photo_path, x, y, w, h)
    else:
        canvas.setFillColor(HexColor("#E9ECEF"))
        canvas.rect(x, y, w, h, stroke=0, fill=1)
    _draw_qr(canvas, codes.badge_code(badge), design.qr, ox, oy)

    canvas.setFillColorRGB(0.07, 0.07, 0.07)
    _draw_name(canvas, member.badge_name, design.name, ox, oy)
    _draw_text(canvas, function_label(member), design.function, ox, oy)
    _draw_text(canvas, delegation_label(member.delegation), design.delegation, ox, oy)
    _draw_text(canvas, short_number(badge.number), design.short, ox, oy)
    _draw_text(canvas, zone_legend(badge.zone_codes, zone_names), design.legend, ox, oy)


def _draw_crop_marks(canvas, layout):
    """Marks on the sheet's two cut lines, in the badges' outer margins, and a centre cross."""
    canvas.setStrokeColorRGB(0, 0, 0)
    canvas.setLineWidth(0.3)
    mark = 4 * MM
    width, height = layout.page_width * MM, layout.page_height * MM
    cut_x = layout.slots[1][0] * MM
    cut_y = layout.slots[0][1] * MM
    canvas.line(cut_x, height, cut_x, height - mark)
    canvas.line(cut_x, 0, cut_x, mark)
    canvas.line(0, cut_y, mark, cut_y)
    canvas.line(width, cut_y, width - mark, cut_y)
    canvas.line(cut_x - mark, cut_y, cut_x + mark, cut_y)
    canvas.line(cut_x, cut_y - mark, cut_x, cut_y + mark)


def render_badges(*, badges, layout, out, on_progress=None):
    """Write one PDF of ``badges`` to the binary file-like ``out``; return how many.

    ``badges``: Badge objects with select_related("accreditation__member__delegation",
    "category"). ``layout``: a BadgeLayout value ("cr80", "a6", "a4x4").
    ``on_progress(n_done)`` is called every 50 badges and once at the end.
    """
    from reportlab import rl_config
    from reportlab.pdfgen.canvas import Canvas

    page_layout = LAYOUTS[str(layout)]
    design = page_layout.design
    register_fonts()
    rl_config.useA85 = 0
    canvas = Canvas(
        out,
        pagesize=(page_layout.page_width * MM, page_layout.page_height * MM),
        pageCompression=1,
        invariant=1,
    )
    canvas.setTitle(f"{settings.EVENT_NAME}: badges")
    canvas.setCreator("Hanoi Summit")
    per_page = len(page_layout.slots)
    zone_names = dict(Zone.objects.values_list("code", "name"))
    done = 0
    with tempfile.TemporaryDirectory(prefix="badges-") as workdir:
        for done, badge in enumerate(badges, start=1):
            slot = (done - 1) % per_page
            if slot == 0 and done > 1:
                if page_layout.crop_marks:
                    _draw_crop_marks(canvas, page_layout)
                canvas.showPage()
            ox, oy = page_layout.slots[slot]
            photo = _photo_file(badge.accreditation.member, design.photo, workdir, done)
            _draw_badge(canvas, badge, design, ox, oy, photo, zone_names)
            if on_progress and done % PROGRESS_EVERY == 0:
                on_progress(done)
        if done and page_layout.crop_marks:
            _draw_crop_marks(canvas, page_layout)
        if done:
            canvas.showPage()
        canvas.save()
    if on_progress and done % PROGRESS_EVERY:
        on_progress(done)
    return done
