"""Tasks that the worker-process tests enqueue; importable by the worker subprocesses."""

from __future__ import annotations

import time
from pathlib import Path

from django.db import connection

from core.tasks import task

EXECUTIONS_TABLE = "platform_ops_test_execution"


@task()
def hang_first_time(*, marker: str) -> str:
    """The first attempt waits to be killed; the re-queued attempt succeeds."""
    path = Path(marker)
    if not path.exists():
        path.write_text("started")
        time.sleep(120)
    return "done"


@task()
def record_execution(*, key: int) -> int:
    # The table's primary key makes a second run of the same task fail loudly.
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {EXECUTIONS_TABLE} (task_key) VALUES (%s)", [key])  # noqa: S608
    return key


@task()
def echo(*, value: int) -> int:
    return value


@task()
def wait_for_release(*, started: str, release: str) -> str:
    """Runs until the test creates `release`, so a test can stop a process mid-task."""
    Path(started).write_text("started")
    deadline = time.monotonic() + 60
    while not Path(release).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return "released" if Path(release).exists() else "timed out"
