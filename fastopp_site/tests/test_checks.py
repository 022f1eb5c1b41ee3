"""The deploy checks see the project's middleware subclasses (fastopp_site.checks)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from fastopp_site.tests.settings_env import STRONG_KEY, settings_from

# What Django's deploy checks read; the rest of the settings stay the test run's.
DEPLOY_SETTING_PREFIXES = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_",
    "SESSION_COOKIE_",
    "CSRF_COOKIE_",
    "X_FRAME_OPTIONS",
    "SILENCED_SYSTEM_CHECKS",
    "MIDDLEWARE",
)


def production_deploy_settings(**env: str) -> dict[str, Any]:
    values = settings_from(
        ENVIRONMENT="production", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="app.example.com", **env
    )
    return {k: v for k, v in values.items() if k.startswith(DEPLOY_SETTING_PREFIXES)}


def test_production_settings_pass_every_deploy_check() -> None:
    with override_settings(**production_deploy_settings(SECURE_HSTS_PRELOAD="true")):
        call_command("check", "--deploy", "--fail-level", "WARNING")


def test_deploy_checks_still_see_the_projects_security_middleware() -> None:
    # With HSTS off, Django's own W004 must still fire although MIDDLEWARE lists subclasses.
    with (
        override_settings(**production_deploy_settings(SECURE_HSTS_SECONDS="0")),
        pytest.raises(SystemCheckError) as refused,
    ):
        call_command("check", "--deploy", "--fail-level", "WARNING")
    assert "security.W004" in str(refused.value)
