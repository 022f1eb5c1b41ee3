"""No secret in any ops output: the redacted configuration and everything around it."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from accounts.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

CANARIES = {
    "SECRET_KEY": "canary-secret-key-7f3a9c1e5b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f",
    "OPENROUTER_API_KEY": "canary-openrouter-5e1f",
    "OPS_TOKEN": "canary-ops-token-9b2c",
    "S3_ACCESS_KEY": "canary-s3-access-3d7e",
    "S3_SECRET_KEY": "canary-s3-secret-8a4f",
    "BACKUP_S3_ACCESS_KEY": "canary-backup-access-1c6d",
    "BACKUP_S3_SECRET_KEY": "canary-backup-secret-2e9b",
    "DATABASE_PASSWORD": "canary-db-password-4b8e",
    "CACHE_PASSWORD": "canary-cache-password-6d1a",
}


@pytest.fixture
def canary_settings(settings):
    settings.SECRET_KEY = CANARIES["SECRET_KEY"]
    settings.OPENROUTER_API_KEY = CANARIES["OPENROUTER_API_KEY"]
    settings.OPS_TOKEN = CANARIES["OPS_TOKEN"]
    settings.BACKUP_S3_ACCESS_KEY = CANARIES["BACKUP_S3_ACCESS_KEY"]
    settings.BACKUP_S3_SECRET_KEY = CANARIES["BACKUP_S3_SECRET_KEY"]
    original = connection.settings_dict.get("PASSWORD")
    # Trust auth (tests) and SQLite ignore the password, so the open connection still works.
    connection.settings_dict["PASSWORD"] = CANARIES["DATABASE_PASSWORD"]
    yield
    connection.settings_dict["PASSWORD"] = original


def _assert_no_canary(text: str) -> None:
    for name, value in CANARIES.items():
        assert value not in text, f"{name} leaked"


@pytest.mark.usefixtures("canary_settings")
def test_no_secret_in_any_ops_response_or_log(caplog):
    caplog.set_level(logging.DEBUG)
    staff = Client()
    # force_login: django-axes refuses an authenticate() call that has no request.
    staff.force_login(StaffFactory.create(email="staff@example.com"))
    anonymous = Client()
    token = {"Authorization": f"Bearer {CANARIES['OPS_TOKEN']}"}
    responses = [
        anonymous.get(path)
        for path in ("/health", "/healthz", "/kaithheathcheck", "/debug/simple", "/ops/")
    ]
    responses += [
        staff.get(path) for path in ("/debug/database", "/debug/database-data", "/ops/", "/health")
    ]
    queued = anonymous.post("/async/init-demo", headers=token)
    assert queued.status_code == 202
    responses += [queued, anonymous.post("/async/init-demo", HTTP_AUTHORIZATION="Bearer wrong")]
    responses.append(staff.get(queued.json()["status_url"], headers=token))
    for response in responses:
        _assert_no_canary(response.content.decode())
        _assert_no_canary(str(response.headers))
    _assert_no_canary(caplog.text)


@pytest.mark.slow
@pytest.mark.parametrize("command", ["checkenv", "checkdb"])
def test_no_secret_in_command_output(command, tmp_path: Path):
    env = {
        **os.environ,
        **{name: value for name, value in CANARIES.items() if not name.endswith("_PASSWORD")},
        "CACHE_URL": f"redis://:{CANARIES['CACHE_PASSWORD']}@127.0.0.1:9/0",
        "STORAGE_TYPE": "s3",
        "S3_BUCKET": "media",
        # Port 9 is closed: the commands must report the failure without the password.
        "DATABASE_URL": f"postgres://app:{CANARIES['DATABASE_PASSWORD']}@127.0.0.1:9/app",
        "DATABASE_CONNECT_TIMEOUT": "2",
    }
    completed = subprocess.run(
        [sys.executable, "manage.py", command],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert "SECRET_KEY" in output or "not reachable" in output
    _assert_no_canary(output)
