from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from accounts.tests.factories import StaffFactory, SuperuserFactory, UserFactory
from core.tasks import TaskResultStatus
from platform_ops.models import LoginToken, WorkerHeartbeat
from platform_ops.services import WORKER_LOST_EXCEPTION, login_token_create, tasks_recover


def _run(*args, **kwargs) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **kwargs)
    return out.getvalue()


def test_gensecret_prints_a_long_random_value():
    first, second = _run("gensecret").strip(), _run("gensecret").strip()
    assert len(first) >= 50
    assert first != second


# --- Emergency login -----------------------------------------------------------------


@pytest.mark.django_db
def test_emergency_login_link_logs_in_once():
    SuperuserFactory(email="root@example.com")
    user = User.objects.get(email="root@example.com")
    output = _run("emergency_login", "ROOT@example.com", "--base-url", "https://app.example")
    link = re.search(r"https://app\.example(/ops/login/\S+)", output)
    assert link is not None
    path = link.group(1)
    token = path.rsplit("/", 1)[-1]
    # Only a hash is stored.
    assert not LoginToken.objects.filter(token_hash=token).exists()

    client = Client()
    assert client.get(path).status_code == 200  # a preview does not spend it
    response = client.post(path)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.get_expiry_age() <= 3600

    again = Client().post(path)
    assert again.status_code == 403
    assert "_auth_user_id" not in again.client.session


@pytest.mark.django_db
def test_emergency_login_link_expires():
    StaffFactory(email="staff@example.com")
    token = login_token_create(user=User.objects.get(email="staff@example.com"), minutes=5)
    LoginToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().post(f"/ops/login/{token}").status_code == 403


@pytest.mark.django_db
def test_emergency_login_refuses_unknown_and_inactive_users():
    with pytest.raises(CommandError):
        _run("emergency_login", "nobody@example.com")
    UserFactory(email="gone@example.com", is_active=False)
    with pytest.raises(CommandError):
        _run("emergency_login", "gone@example.com")
    assert Client().post("/ops/login/made-up-token").status_code == 403


# --- Database backup ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_backupdb_and_restoredb_round_trip(tmp_path):
    UserFactory(email="keep@example.com")
    suffix = {"sqlite": ".sqlite3", "postgresql": ".dump"}[connection.vendor]
    backup = tmp_path / f"backup{suffix}"
    assert "Backup written" in _run("backupdb", "--output", str(backup))
    assert backup.stat().st_size > 0
    User.objects.filter(email="keep@example.com").delete()
    UserFactory(email="later@example.com")
    _run("restoredb", str(backup), "--yes")
    assert set(User.objects.values_list("email", flat=True)) == {"keep@example.com"}


@pytest.mark.django_db(transaction=True)
def test_backupdb_json_fallback_round_trip(tmp_path):
    if connection.vendor == "sqlite":
        pytest.skip("the JSON fallback is PostgreSQL's (SQLite always has its backup API)")
    UserFactory(email="keep@example.com")
    backup = tmp_path / "backup.json"
    _run("backupdb", "--json", "--output", str(backup))
    User.objects.all().delete()
    _run("restoredb", str(backup), "--yes")
    assert User.objects.filter(email="keep@example.com").exists()


def test_restoredb_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no backup file"):
        _run("restoredb", str(tmp_path / "missing.sqlite3"), "--yes")


# --- Stuck-task recovery (unit level; real processes in test_worker.py) -------------


def _running_task(*, worker_ids: list[str], started_ago: float):
    return DBTaskResult.objects.create(
        task_path="platform_ops.tasks.demo_init",
        queue_name="ops",
        backend_name="default",
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [], "kwargs": {}},
        run_after=timezone.now(),
        started_at=timezone.now() - timedelta(seconds=started_ago),
        worker_ids=worker_ids,
    )


@pytest.mark.django_db
def test_recover_requeues_tasks_of_silent_workers_only():
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="alive", started_at=now, last_seen_at=now)
    WorkerHeartbeat.objects.create(
        worker_id="silent", started_at=now, last_seen_at=now - timedelta(minutes=5)
    )
    alive = _running_task(worker_ids=["alive"], started_ago=600)
    silent = _running_task(worker_ids=["silent"], started_ago=600)
    young = _running_task(worker_ids=["silent"], started_ago=1)
    out = _run("recover_tasks", "--stale-seconds", "30")
    assert out.strip() == "re-queued 1, failed 0"
    silent.refresh_from_db()
    assert silent.status == TaskResultStatus.READY
    assert silent.started_at is None
    for task in (alive, young):
        task.refresh_from_db()
        assert task.status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_recover_fails_a_task_after_max_attempts_with_a_reason():
    task = _running_task(worker_ids=["a", "b", "c"], started_ago=600)
    result = tasks_recover(stale_seconds=30, max_attempts=3)
    assert result.failed == [str(task.pk)]
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == WORKER_LOST_EXCEPTION
    assert "3 attempts" in task.traceback
    assert task.finished_at is not None


@pytest.mark.django_db
def test_recover_acts_at_once_on_a_worker_known_dead():
    task = _running_task(worker_ids=["gone"], started_ago=0)
    assert tasks_recover(dead_worker_id="gone").requeued == [str(task.pk)]
