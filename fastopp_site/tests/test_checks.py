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


def test_a_console_mail_backend_in_production_is_a_deploy_warning() -> None:
    values = production_deploy_settings(SECURE_HSTS_PRELOAD="true")
    console = settings_from(ENVIRONMENT="production", EMAIL_URL="consolemail://")
    assert console["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    with (
        override_settings(**values, EMAIL_BACKEND=console["EMAIL_BACKEND"]),
        pytest.raises(SystemCheckError) as refused,
    ):
        call_command("check", "--deploy", "--fail-level", "WARNING")
    assert "fastopp.W011" in str(refused.value)

    smtp = settings_from(ENVIRONMENT="production", EMAIL_URL="smtp+tls://u:p@smtp.example.com:587")
    assert smtp["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_USE_TLS"]) == (
        "smtp.example.com",
        587,
        True,
    )
    with override_settings(**values, EMAIL_BACKEND=smtp["EMAIL_BACKEND"]):
        call_command("check", "--deploy", "--fail-level", "WARNING")


def test_an_unknown_email_url_scheme_refuses_to_start() -> None:
    from fastopp_site.startup import settings_problems

    values = settings_from(ENVIRONMENT="production", SECRET_KEY=STRONG_KEY, EMAIL_URL="mail://x")
    assert any("EMAIL_URL" in problem for problem in settings_problems(values=values))
