"""The test run's settings switched to what a production process would have."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastopp_site.tests.settings_env import STRONG_KEY, settings_from

PUBLIC_HOST = "app.example.com"
# What reaches the host check and the SSL redirect; the rest stays the test run's.
PRODUCTION_PREFIXES = (
    "DEBUG",
    "ALLOWED_HOSTS",
    "SECURE_",
    "SESSION_COOKIE_",
    "CSRF_",
    "MIDDLEWARE",
)


def production_values() -> dict[str, Any]:
    return settings_from(ENVIRONMENT="production", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS=PUBLIC_HOST)


def production_settings_apply(*, settings: Any, static_root: Path, manifest: bool) -> None:
    """Production's host, HTTPS and static-storage settings on pytest-django's `settings`."""
    values = production_values()
    for name, value in values.items():
        if name.startswith(PRODUCTION_PREFIXES):
            setattr(settings, name, value)
    settings.STORAGES = {**settings.STORAGES, "staticfiles": values["STORAGES"]["staticfiles"]}
    settings.STATIC_ROOT = static_root
    static_root.mkdir(parents=True, exist_ok=True)
    if manifest:
        # What collectstatic writes, with no entries: every {% static %} name is missing.
        payload = {"paths": {}, "version": "1.1", "hash": "0"}
        (static_root / "staticfiles.json").write_text(json.dumps(payload))
