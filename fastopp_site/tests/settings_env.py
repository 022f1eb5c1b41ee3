"""The settings module as a process started with a given environment would have it."""

from __future__ import annotations

import os
import runpy
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILE = ROOT / "fastopp_site" / "settings" / "__init__.py"
STRONG_KEY = "k3Jq9vX2mN8pL4tR7wY1zA6cB5dE0fG-hI_jK2lM3nO4pQ5rS6tU7vW8xY9zA0bC"


def environment_for_process(**env: str) -> dict[str, str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(
        {"ENVIRONMENT": "development", "ALLOWED_HOSTS": "", "DATABASE_URL": "sqlite://:memory:"}
    )
    clean.update(env)
    return clean


def settings_from(**env: str) -> dict[str, Any]:
    """The settings module's names as a process started with `env` would have them."""
    with mock.patch.dict(os.environ, environment_for_process(**env), clear=True):
        return runpy.run_path(str(SETTINGS_FILE))
