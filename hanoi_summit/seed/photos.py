"""A handful of generated passport-style portraits, copied into a file of its own for each
demo member that has a photo.

Made once (eight small JPEGs) and then only copied, which keeps the demo fast. Each member
gets its own file, as a real upload would: a member's photo is replaced or deleted on its own,
and no other member's photo goes with it. They are plain light backgrounds with a silhouette:
clearly not real people.
"""

import functools
import io
import os

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage

from delegations.models import member_photo_path

PHOTO_COUNT = 8
PHOTO_SIZE = (300, 400)
_BACKGROUNDS = [(238, 242, 247), (245, 245, 240), (235, 244, 238), (246, 240, 236)]
_TONES = [(141, 85, 36), (198, 134, 66), (224, 172, 105), (241, 194, 125), (255, 219, 172)]
_CLOTHES = [(33, 47, 61), (60, 60, 60), (25, 55, 109), (90, 30, 40), (40, 70, 50)]


def photo_name(index):
    """The name the demo's plan gives portrait ``index``; demo_photo_copy stores it under
    a name of the member's own."""
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


@functools.cache
def _portraits():
    """The JPEG bytes of each portrait, by the name the plan gives it (photo_name)."""
    return {photo_name(index): _portrait(index) for index in range(PHOTO_COUNT)}


def demo_photo_copy(member, portrait):
    """Store a copy of the planned ``portrait`` (a photo_name) as ``member``'s own photo file,
    named as an upload would be (member_photo_path); return the stored name. Writes a file only.

    On the local file system the bytes are written directly: Storage.save's checks and
    temporary handling cost more than the write itself, thousands of times over.
    """
    name, data = member_photo_path(member, "portrait.jpg"), _portraits()[portrait]
    if not isinstance(default_storage, FileSystemStorage):
        return default_storage.save(name, ContentFile(data))
    path = default_storage.path(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "xb") as file:  # the name is random: never an existing file
        file.write(data)
    if default_storage.file_permissions_mode is not None:
        os.chmod(path, default_storage.file_permissions_mode)
    return name
