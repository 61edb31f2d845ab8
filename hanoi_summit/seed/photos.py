"""A handful of generated passport-style portraits, stored once and shared by demo members.

Sharing keeps the demo fast (thousands of members, eight files). They are plain light
backgrounds with a silhouette: clearly not real people.
"""

import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

PHOTO_COUNT = 8
PHOTO_SIZE = (300, 400)
_BACKGROUNDS = [(238, 242, 247), (245, 245, 240), (235, 244, 238), (246, 240, 236)]
_TONES = [(141, 85, 36), (198, 134, 66), (224, 172, 105), (241, 194, 125), (255, 219, 172)]
_CLOTHES = [(33, 47, 61), (60, 60, 60), (25, 55, 109), (90, 30, 40), (40, 70, 50)]


def photo_name(index):
    return f"photos/demo/portrait-{index + 1:02d}.jpg"


def _portrait(index):
    from PIL import Image, ImageDraw

    width, height = PHOTO_SIZE
    image = Image.new("RGB", PHOTO_SIZE, _BACKGROUNDS[index % len(_BACKGROUNDS)])
    draw = ImageDraw.Draw(image)
    tone = _TONES[index % len(_TONES)]
    clothes = _CLOTHES[(index * 3) % len(_CLOTHES)]
    # Shoulders, neck, head: a passport framing (head about 70% of the height).
    draw.ellipse((30, 300, width - 30, height + 160), fill=clothes)
    draw.rectangle((130, 240, 170, 310), fill=tone)
    draw.ellipse((85, 80, 215, 260), fill=tone)
    hair = (40 + 20 * (index % 4),) * 3
    draw.chord((80, 70, 220, 200), 180, 360, fill=hair)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def ensure_demo_photos():
    """Store any missing portrait; return their storage names. Writes files only."""
    names = []
    for index in range(PHOTO_COUNT):
        name = photo_name(index)
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(_portrait(index)))
        names.append(name)
    return names
