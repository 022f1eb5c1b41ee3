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
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.tests.factories import StaffFactory, UserFactory
from core.tasks import TaskResultStatus
from platform_ops.models import WorkerHeartbeat
from platform_ops.selectors import health

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
}


def _ready_task(**fields):
    return DBTaskResult.objects.create(
        task_path="platform_ops.tasks.demo_init",
        queue_name="ops",
        backend_name="default",
        args_kwargs={"args": [], "kwargs": {}},
        run_after=timezone.now(),
        **fields,
    )


def test_liveness_probes_are_cheap_and_public(client, django_assert_num_queries):
    for path in ("/healthz", "/kaithhealthcheck", "/kaithheathcheck"):
        with django_assert_num_queries(0):
            response = client.get(path)
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}


def test_health_reports_database_storage_queue_and_worker(client):
    _ready_task()
    _ready_task()
    WorkerHeartbeat.objects.create(
        worker_id="w-1", started_at=timezone.now(), last_seen_at=timezone.now()
    )
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["migrations"] == "ok"
    assert body["storage"] == "ok"
    assert body["queue"]["depth"] == 2
    assert body["queue"]["oldest_waiting_seconds"] >= 0
    assert body["worker"]["status"] == "ok"


def test_health_says_503_when_storage_is_not_writable(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the upload folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker)},
        },
    }
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["storage"] == "not writable"


def test_health_reports_no_worker_without_failing(client):
    body = client.get("/health").json()
    assert body["worker"] == {"last_heartbeat_seconds": None, "status": "none seen"}
    assert body["queue"]["depth"] == 0


def test_debug_simple_is_public_and_reveals_nothing(client):
    body = client.get("/debug/simple").json()
    assert set(body) == {"status", "time"}


@pytest.mark.parametrize("path", ["/debug/database", "/debug/database-data", "/ops/"])
def test_staff_debug_pages_refuse_others(client, path):
    assert client.get(path).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(path).status_code == 403


def test_debug_database_shows_engine_and_migrations(client):
    client.force_login(StaffFactory())
    body = client.get("/debug/database").json()
    assert body["vendor"] == connection.vendor
    assert body["migrations"]["up_to_date"] is True
    data = client.get("/debug/database-data").json()
    assert data["tables"]["accounts_user"] == 1


def test_ops_page_shows_platform_queue_and_recent_tasks(client, settings):
    settings.PLATFORM = "leapcell"
    _ready_task(status=TaskResultStatus.READY)
    client.force_login(StaffFactory())
    response = client.get("/ops/")
    assert response.status_code == 200
    assert b"leapcell" in response.content
    assert b"demo_init" in response.content


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
    StaffFactory(email="staff@example.com")
    staff = Client()
    staff.login(email="staff@example.com", password="test-pass-123")
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
        **{name: value for name, value in CANARIES.items() if name != "DATABASE_PASSWORD"},
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


@pytest.mark.django_db
def test_health_reuses_a_good_storage_check_but_rechecks_a_bad_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []

    def flaky_storage() -> bool:
        calls.append(1)
        return len(calls) > 1  # not writable the first time, then fine

    monkeypatch.setattr(health, "storage_writable", flaky_storage)
    assert Client().get("/health").status_code == 503
    assert Client().get("/health").status_code == 200
    assert Client().get("/health").status_code == 200
    assert len(calls) == 2  # the good answer was reused, the bad one was not
