"""Fixtures for the site-wide tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fastopp_site.tests.production import production_settings_apply


@pytest.fixture
def production(settings: Any, tmp_path: Path) -> Path:
    """Production's host, HTTPS and static settings, with collected (empty) static files."""
    static_root = tmp_path / "static"
    production_settings_apply(settings=settings, static_root=static_root, manifest=True)
    return static_root
