from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from webinars.demo_art import portrait_draw, scene_draw

SCENES = ("sunrise", "lagoon", "dusk")


class Command(BaseCommand):
    help = (
        "Draw the demo portraits (fixtures/photos/) and design-demo scenes (static/img/demo/). "
        "Run once by maintainers; the output is committed, so loaddemo never downloads anything."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        base = Path(settings.BASE_DIR)
        rows = json.loads((base / "fixtures" / "webinars.json").read_text())["registrants"]
        photos = base / "fixtures" / "photos"
        photos.mkdir(parents=True, exist_ok=True)
        for row in rows:
            if row["photo"]:
                target = photos / row["photo"]
                portrait_draw(name=row["name"]).save(target, "JPEG", quality=82, optimize=True)
                self.stdout.write(f"{target.relative_to(base)} {target.stat().st_size} bytes")
        scenes = base / "static" / "img" / "demo"
        scenes.mkdir(parents=True, exist_ok=True)
        for name in SCENES:
            target = scenes / f"{name}.jpg"
            scene_draw(name=name).save(target, "JPEG", quality=80, optimize=True)
            self.stdout.write(f"{target.relative_to(base)} {target.stat().st_size} bytes")
