"""Photos the right way up.

A phone stores a portrait photo as landscape pixels plus an EXIF "orientation" tag that
tells viewers to turn it.  Word and LibreOffice draw a picture in a DOCX as its pixels
lie, so a 简报's photos would come out on their side; they are turned here, once, and
the tag (with the rest of the EXIF data: place, device) is dropped.
"""

from __future__ import annotations

import io

#: EXIF tag 0x0112; 1 means "as stored"
ORIENTATION_TAG = 0x0112
UPRIGHT = 1
#: JPEG quality a turned photo is saved with (turning means decoding it)
TURNED_JPEG_QUALITY = 95
#: EXIF sits in the first segments of a JPEG
_EXIF_WINDOW = 128 * 1024


def upright(blob: bytes) -> bytes:
    """``blob`` turned as its EXIF orientation says; unchanged when it says nothing."""
    if not blob.startswith(b"\xff\xd8") or b"Exif" not in blob[:_EXIF_WINDOW]:
        return blob  # not a JPEG, or one without EXIF: nothing to read
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(blob)) as image:
            if image.getexif().get(ORIENTATION_TAG, UPRIGHT) == UPRIGHT:
                return blob
            turned = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            turned.save(out, "JPEG", quality=TURNED_JPEG_QUALITY)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return blob  # the caller's own check says what is wrong with it
    return out.getvalue()
