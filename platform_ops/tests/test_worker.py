"""Real worker processes: `manage.py run_worker` against the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from core.tasks import TaskResultStatus
from devtools.databases import database_url_for_subprocess
from devtools.net import wait_until, wait_while_progressing
from devtools.processes import ProcessGroup
from platform_ops.models import WorkerHeartbeat
from platform_ops.tests.worker_tasks import EXECUTIONS_TABLE, hang_first_time, record_execution

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 90


def _database_url() -> str:
    url = database_url_for_subprocess()
    if url is None:
        pytest.skip(
            "the SQLite test database is in memory, so worker processes cannot share it; "
            "run with TEST_DATABASE_NAME=/tmp/some-file.sqlite3 to include this test"
        )
    return url


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "TASK_HEARTBEAT_SECONDS": "0.5",
        "TASK_WORKER_STALE_SECONDS": "3",
        "TASK_RECOVER_EVERY_SECONDS": "1",
        "DEBUG": "true",
    }

    workers = ProcessGroup(tmp_path)

    def start() -> subprocess.Popen[bytes]:
        return workers.start(
            f"worker-{len(workers.started)}",
            [sys.executable, "manage.py", "run_worker", "--interval", "0.2"],
            env=env,
        )

    try:
        yield start
    finally:
        workers.kill()  # each supervisor with its db_worker child: they share a process group


def _status(task_id: str) -> str:
    return str(DBTaskResult.objects.get(pk=task_id).status)


def test_task_of_a_sigkilled_worker_is_requeued_and_run_again(start_worker, tmp_path):
    marker = tmp_path / "attempt"
    result = hang_first_time.enqueue(marker=str(marker))
    start_worker()
    wait_until(
        lambda: marker.exists() and _status(result.id) == "RUNNING",
        what="the task to start",
        timeout=WAIT_SECONDS,
        interval=0.2,
    )

    child_pid = WorkerHeartbeat.objects.get(stopped_at__isnull=True).pid
    assert child_pid is not None
    os.kill(child_pid, signal.SIGKILL)

    wait_until(
        lambda: _status(result.id) == "SUCCESSFUL",
        what="the task to be recovered",
        timeout=WAIT_SECONDS,
        interval=0.2,
    )
    task = DBTaskResult.objects.get(pk=result.id)
    assert task.return_value == "done"
    assert len(task.worker_ids) == 2  # killed once, then run by the restarted worker


@pytest.fixture
def executions_table() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {EXECUTIONS_TABLE} (task_key integer PRIMARY KEY)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {EXECUTIONS_TABLE}")


@pytest.mark.usefixtures("executions_table")
def test_four_workers_run_1000_tasks_exactly_once(start_worker):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite allows one worker process; several workers need PostgreSQL")
    ids = [record_execution.enqueue(key=key).id for key in range(1000)]
    for _ in range(4):
        start_worker()

    def remaining() -> int:
        return DBTaskResult.objects.filter(
            pk__in=ids, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        ).count()

    wait_while_progressing(remaining, what="the queue to drain", stall_timeout=WAIT_SECONDS)
    assert (
        DBTaskResult.objects.filter(pk__in=ids, status=TaskResultStatus.SUCCESSFUL).count() == 1000
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), COUNT(DISTINCT task_key) FROM {EXECUTIONS_TABLE}")  # noqa: S608
        assert cursor.fetchone() == (1000, 1000)
    workers = {
        worker_id
        for worker_ids in DBTaskResult.objects.filter(pk__in=ids).values_list(
            "worker_ids", flat=True
        )
        for worker_id in worker_ids
    }
    assert len(workers) >= 2  # the work really was shared
