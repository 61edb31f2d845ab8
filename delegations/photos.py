"""Member photos: checked by content with Pillow and re-encoded, so nothing hidden survives."""

import io

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from delegations.errors import DelegationError

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MIN_WIDTH = 300
PHOTO_MIN_HEIGHT = 400
#: Height over width: passport photos are 35x45 mm (1.29); allow some slack either way.
PHOTO_MIN_RATIO = 1.0
PHOTO_MAX_RATIO = 2.0
#: Longest side kept: badges print at 300 dpi on 30x40 mm, more is only weight.
PHOTO_MAX_SIDE = 1200
ALLOWED_FORMATS = {"JPEG", "PNG"}
#: Decoding is what costs memory (3 bytes a pixel): a small file can declare a huge image.
PHOTO_MAX_PIXELS = 40_000_000


def _refuse(message, code):
    return DelegationError(message, code=code, field="photo")


def photo_clean(upload):
    """Check an uploaded photo and return it re-encoded as a JPEG `ContentFile`.

    Raises DelegationError (field "photo") for a file that is too big, not a JPEG or PNG by
    content, too small or not portrait. Re-encoding keeps the pixels only: no metadata
    (EXIF with GPS positions and camera serials, comments, which can hold HTML or script,
    colour profiles, PNG text) and nothing appended to the image.
    """
    from PIL import Image, ImageOps

    size = getattr(upload, "size", None)
    if size is not None and size > PHOTO_MAX_BYTES:
        raise _refuse(
            _("The photo is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(size / 1024 / 1024, 1), "limit": PHOTO_MAX_BYTES // 1024 // 1024},
            "photo_too_large",
        )
    # Read one byte past the limit, never the whole of an upload that did not say its size.
    data = upload.read(PHOTO_MAX_BYTES + 1)
    if len(data) > PHOTO_MAX_BYTES:
        raise _refuse(_("The photo is too large; the limit is 5 MB."), "photo_too_large")
    not_an_image = _refuse(_("This file is not a JPEG or PNG photo."), "photo_invalid")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise not_an_image
            if probe.size[0] * probe.size[1] > PHOTO_MAX_PIXELS:
                raise _refuse(_("The photo has too many pixels; send a smaller image."), "photo_too_large")
            probe.verify()
        # verify() leaves the image unusable: open it again to decode the pixels.
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
    except DelegationError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise not_an_image from exc
    width, height = image.size
    if width < PHOTO_MIN_WIDTH or height < PHOTO_MIN_HEIGHT:
        raise _refuse(
            _("The photo is too small (%(w)sx%(h)s pixels); it needs at least %(mw)sx%(mh)s.")
            % {"w": width, "h": height, "mw": PHOTO_MIN_WIDTH, "mh": PHOTO_MIN_HEIGHT},
            "photo_too_small",
        )
    ratio = height / width
    if not PHOTO_MIN_RATIO <= ratio <= PHOTO_MAX_RATIO:
        raise _refuse(
            _("The photo must be a portrait (taller than wide), like a passport photo."),
            "photo_not_portrait",
        )
    image = image.convert("RGB")
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    # Pillow writes a JPEG comment found in `info` (the original's COM segment) into the copy.
    image.info = {}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88, optimize=True)
    return ContentFile(out.getvalue(), name="photo.jpg")
