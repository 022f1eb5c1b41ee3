"""The process refuses to start with unsafe production settings, in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3Jq9vX2mN8pL4tR7wY1zA6cB5dE0fG-hI_jK2lM3nO4pQ5rS6tU7vW8xY9zA0bC"
PREFIX = "FastOpp Django will not start:"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(
        {"ENVIRONMENT": "development", "ALLOWED_HOSTS": "", "DATABASE_URL": "sqlite://:memory:"}
    )
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "secret",
    ["", "changeme", "django-insecure-" + "x" * 60, "short-key", "a" * 64],
)
def test_production_refuses_missing_or_weak_secret_key(secret: str) -> None:
    result = run_manage(
        "check", ENVIRONMENT="production", SECRET_KEY=secret, ALLOWED_HOSTS="app.example.com"
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines == [lines[0]]
    assert lines[0].startswith(PREFIX)
    assert "SECRET_KEY" in lines[0]


def test_production_refuses_empty_allowed_hosts() -> None:
    result = run_manage("check", ENVIRONMENT="production", SECRET_KEY=STRONG_KEY)
    assert result.returncode != 0
    assert result.stderr.strip().startswith(PREFIX)
    assert "ALLOWED_HOSTS" in result.stderr


def test_debug_off_without_production_also_needs_a_secret_key() -> None:
    result = run_manage("check", DEBUG="false", ALLOWED_HOSTS="localhost")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_forces_debug_off_and_passes_deploy_checks() -> None:
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        ENVIRONMENT="production",
        DEBUG="true",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="app.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"

    deploy = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        ENVIRONMENT="production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="app.example.com",
        SECURE_HSTS_PRELOAD="true",
    )
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr


def test_bad_database_url_is_one_clear_line() -> None:
    result = run_manage("check", DATABASE_URL="mysql://u:secretpw@h/db")
    assert result.returncode != 0
    assert result.stderr.strip().startswith(PREFIX)
    assert "DATABASE_URL" in result.stderr
    assert "secretpw" not in result.stderr


def test_unreachable_database_is_reported_without_the_password() -> None:
    result = run_manage(
        "checkdb", DATABASE_URL="postgresql+asyncpg://app:hunter2-canary@127.0.0.1:1/shop"
    )
    assert result.returncode != 0
    assert "not reachable" in result.stderr
    assert "hunter2-canary" not in result.stderr + result.stdout


def test_development_starts_with_no_configuration() -> None:
    result = run_manage("check")
    assert result.returncode == 0, result.stderr


def test_deploy_checks_still_see_the_projects_security_middleware() -> None:
    # With HSTS off, Django's own W004 must still fire although MIDDLEWARE lists subclasses.
    deploy = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        ENVIRONMENT="production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="app.example.com",
        SECURE_HSTS_SECONDS="0",
    )
    assert deploy.returncode != 0
    assert "security.W004" in deploy.stderr + deploy.stdout


def test_health_answers_503_when_the_database_is_down() -> None:
    # A real connection attempt to a closed port, in a fresh process: the probe must say
    # so in its JSON, with a 503, and never quote the URL's password.
    probe = (
        "from django.test import Client; "
        "r = Client().get('/health', HTTP_HOST='localhost'); "
        "print(r.status_code, r.content.decode())"
    )
    result = run_manage(
        "shell", "-c", probe, DATABASE_URL="postgres://app:hunter2-canary@127.0.0.1:1/shop"
    )
    assert result.returncode == 0, result.stderr
    assert "503 {" in result.stdout
    assert '"database": "unreachable"' in result.stdout
    assert "hunter2-canary" not in result.stdout + result.stderr
