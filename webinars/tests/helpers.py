from __future__ import annotations

import io

from django.core.files.storage import default_storage
from PIL import Image


def image_bytes(
    fmt: str = "PNG", size: tuple[int, int] = (64, 48), colour: str = "orange"
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, fmt)
    return buffer.getvalue()


def stored_photos() -> list[str]:
    """File names under registrant_photos/ in whichever storage is active."""
    try:
        return sorted(default_storage.listdir("registrant_photos")[1])
    except FileNotFoundError:
        return []
