"""Deterministic illustrations for the demo data, drawn with Pillow.

FastOpp downloads stock photos at start-up; these are drawn by the project instead, so the
demo works offline and every image is ours to ship. Same name in, same picture out.
"""

from __future__ import annotations

import hashlib
import random

from PIL import Image, ImageDraw, ImageFilter

SKIN_TONES = [(255, 219, 172), (241, 194, 125), (224, 172, 105), (198, 134, 66), (141, 85, 36)]
HAIR_COLOURS = [(35, 25, 20), (90, 56, 37), (165, 107, 70), (230, 190, 120), (120, 120, 125)]
SHIRT_COLOURS = [(37, 99, 235), (22, 163, 74), (219, 39, 119), (234, 88, 12), (124, 58, 237)]
BACKDROPS = [
    ((191, 219, 254), (99, 102, 241)),
    ((254, 215, 170), (244, 63, 94)),
    ((187, 247, 208), (13, 148, 136)),
    ((233, 213, 255), (147, 51, 234)),
    ((254, 240, 138), (234, 88, 12)),
]


def _rng(seed: str) -> random.Random:
    digest = hashlib.sha256(seed.encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311 (art, not secrets)


def _vertical_gradient(
    size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]
) -> Image.Image:
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / max(height - 1, 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    return image


def portrait_draw(*, name: str, size: int = 400) -> Image.Image:
    """A friendly flat-style portrait: backdrop, shoulders, face, hair, eyes and a smile."""
    rng = _rng(name)
    top, bottom = rng.choice(BACKDROPS)
    image = _vertical_gradient((size, size), top, bottom)
    draw = ImageDraw.Draw(image)
    s = size / 400
    skin = rng.choice(SKIN_TONES)
    hair = rng.choice(HAIR_COLOURS)
    shirt = rng.choice(SHIRT_COLOURS)
    long_hair = rng.random() < 0.5

    if long_hair:
        draw.rounded_rectangle((120 * s, 120 * s, 280 * s, 330 * s), radius=60 * s, fill=hair)
    draw.ellipse((70 * s, 290 * s, 330 * s, 520 * s), fill=shirt)  # shoulders
    draw.rectangle((175 * s, 250 * s, 225 * s, 310 * s), fill=skin)  # neck
    draw.ellipse((125 * s, 110 * s, 275 * s, 280 * s), fill=skin)  # face
    draw.chord((118 * s, 95 * s, 282 * s, 230 * s), start=180, end=360, fill=hair)
    for eye_x in (165, 235):
        draw.ellipse(((eye_x - 9) * s, 180 * s, (eye_x + 9) * s, 198 * s), fill=(40, 40, 50))
    draw.arc(
        (165 * s, 200 * s, 235 * s, 250 * s),
        start=20,
        end=160,
        fill=(150, 60, 60),
        width=max(2, round(5 * s)),
    )
    if rng.random() < 0.35:  # glasses
        for eye_x in (165, 235):
            draw.ellipse(
                ((eye_x - 24) * s, 168 * s, (eye_x + 24) * s, 210 * s),
                outline=(30, 30, 30),
                width=max(2, round(4 * s)),
            )
        draw.line(
            (189 * s, 189 * s, 211 * s, 189 * s), fill=(30, 30, 30), width=max(2, round(4 * s))
        )
    return image.filter(ImageFilter.SMOOTH)


def scene_draw(*, name: str, width: int = 800, height: int = 450) -> Image.Image:
    """A layered landscape (sky, sun, hills) for the design demo's image switcher."""
    rng = _rng(name)
    top, bottom = rng.choice(BACKDROPS)
    image = _vertical_gradient((width, height), top, bottom)
    draw = ImageDraw.Draw(image)
    sun_x, sun_y = rng.randint(100, width - 100), rng.randint(60, 160)
    draw.ellipse((sun_x - 50, sun_y - 50, sun_x + 50, sun_y + 50), fill=(255, 244, 214))
    for layer in range(3):
        base = height * (0.55 + layer * 0.15)
        shade = 40 + layer * 30
        colour = (shade, 60 + layer * 40, 90 + layer * 20)
        points = [(0.0, float(height))]
        for x in range(0, width + 80, 80):
            points.append((float(x), base - rng.randint(0, 90)))
        points.append((float(width), float(height)))
        draw.polygon(points, fill=colour)
    return image.filter(ImageFilter.SMOOTH)
