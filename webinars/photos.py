"""The photo pipeline: whatever arrives, only a fresh, small JPEG made by Pillow is stored.

Nothing from the upload survives except pixels: not the name, not the extension, not the
client's content type, not metadata, not trailing bytes (a PNG with HTML appended comes
out as a plain JPEG).
"""

from __future__ import annotations

import io
import uuid
import warnings
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import AppError, ErrorKind

ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
MAX_PIXELS = 40_000_000  # about 7300 x 5500: above any phone camera, far below a bomb
MAX_SIDE = 800
JPEG_QUALITY = 85
PHOTO_DIR = "registrant_photos"


class PhotoRejected(AppError):
    """The upload is not a photo we accept; the message is safe to show to the user."""

    def __init__(self, message: str, *, kind: ErrorKind = ErrorKind.INVALID) -> None:
        super().__init__(message, kind=kind, code="photo_rejected")


class PhotoTooLarge(PhotoRejected):
    def __init__(self, message: str) -> None:
        super().__init__(message, kind=ErrorKind.TOO_LARGE)


def photo_too_large_message() -> str:
    max_bytes: int = settings.PHOTO_MAX_BYTES
    return f"The photo is larger than {max_bytes / (1024 * 1024):g} MB."


def photo_normalise(*, stream: IO[bytes], size: int | None) -> ContentFile[bytes]:
    """Check and re-encode an uploaded photo; raise ``PhotoRejected`` with a clear reason."""
    max_bytes: int = settings.PHOTO_MAX_BYTES
    # Checked before decoding; the upload handler and the ASGI guard stop bigger bodies sooner.
    if size is not None and size > max_bytes:
        raise PhotoTooLarge(photo_too_large_message())
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PhotoTooLarge(photo_too_large_message())
    if not data:
        raise PhotoRejected("The file is empty.")

    # Pillow's own bomb guard warns at MAX_IMAGE_PIXELS and raises at twice that; we check
    # the declared size ourselves before decoding and turn its warning into an error.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format
                width, height = probe.size
                if image_format not in ALLOWED_FORMATS:
                    raise PhotoRejected("Only JPEG, PNG or WebP photos are accepted.")
                if width * height > MAX_PIXELS:
                    raise PhotoRejected("The photo has too many pixels (40 megapixels at most).")
                probe.verify()
            # verify() leaves the image unusable, so decode again, this time fully.
            with Image.open(io.BytesIO(data)) as decoded:
                decoded.load()
                upright = ImageOps.exif_transpose(decoded).convert("RGB")
            upright.thumbnail((MAX_SIDE, MAX_SIDE))
            output = io.BytesIO()
            # No exif/icc arguments: the new file carries pixels only.
            upright.save(output, "JPEG", quality=JPEG_QUALITY, optimize=True)
        except PhotoRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise PhotoRejected("The photo has too many pixels (40 megapixels at most).") from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise PhotoRejected(
                "This file is not a readable image. Upload a JPEG, PNG or WebP photo."
            ) from exc
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
