"""TASKS_BACKEND=thread end to end: the Procfile's web process with two gunicorn workers and
no worker process runs init-demo and reports queued through the API."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from devtools.net import wait_until
from devtools.processes import manage_run
from platform_ops.tests.processes import (
    api_token,
    postgres_database,
    process_env,
    sql_rows,
    sqlite_database,
    web_process,
)

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The web processes' own database: SQLite always, PostgreSQL in the PostgreSQL pass."""
    if request.param == "sqlite":
        yield sqlite_database(tmp_path)
        return
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass of the suite")
    with postgres_database(tmp_path) as url:
        yield url


def _heartbeats(database_url: str) -> list[tuple[object, ...]]:
    return sql_rows(database_url, "SELECT worker_id, stopped_at FROM platform_ops_workerheartbeat")


def test_thread_mode_runs_init_demo_and_reports_in_the_web_process(
    tmp_path: Path, database_url: str
) -> None:
    env = process_env(
        database_url=database_url, upload_dir=tmp_path / "uploads", TASKS_BACKEND="thread"
    )
    with web_process(env=env, log=tmp_path / "web.log") as web:
        queued = web.post("/async/init-demo")
        assert queued.status_code == 202, queued.text
        demo = web.task_wait(queued.json()["task_id"])
        assert demo["task"] == "demo_init"
        assert demo["result"]["steps"]["users"]["total"] >= 1
        assert demo["attempts"] == 1

        token = api_token(env=env)
        runs = [
            web.post("/api/reports/top_products/runs", token=token, json={"limit": 3})
            for _ in range(6)
        ]
        assert {run.status_code for run in runs} == {202}
        for run in runs:
            task = web.task_wait(run.json()["task_id"])
            assert task["queue"] == "reports"
            assert task["attempts"] == 1  # claimed once, although two runners were polling
            detail = web.get(f"/api/reports/runs/{run.json()['id']}", token=token).json()
            assert detail["status"] == "succeeded"
            assert detail["task_id"] == run.json()["task_id"]

        health = web.get("/health", token="").json()
        assert health["queue"] == {"depth": 0, "running": 0, "oldest_waiting_seconds": None}
        assert health["worker"]["status"] == "ok"  # the runner threads' heartbeats

        assert _heartbeats(database_url), "no runner thread sent a heartbeat"
        web.process.send_signal(signal.SIGTERM)
        web.process.wait(timeout=60)
        # Each runner closed its heartbeat on the way out (atexit), so recovery elsewhere
        # knows at once that nothing in this process runs tasks any more.
        wait_until(
            lambda: all(stopped for _, stopped in _heartbeats(database_url)),
            what="every runner's heartbeat closed",
            timeout=10,
        )


def test_sigterm_lets_the_runner_finish_its_task_before_the_process_exits(tmp_path: Path) -> None:
    database_url = sqlite_database(tmp_path)
    env = process_env(
        database_url=database_url, upload_dir=tmp_path / "uploads", TASKS_BACKEND="thread"
    )
    started, release = tmp_path / "started", tmp_path / "release"
    with web_process(env=env, log=tmp_path / "web.log", workers=1) as web:
        assert web.get("/healthz", token="").status_code == 200  # starts the runner
        # Queued by another process (the database mode: it must not run it itself).
        task_id = manage_run(
            "shell", "-c",
            "from platform_ops.tests.worker_tasks import wait_for_release as t; "
            f"print(t.enqueue(started={str(started)!r}, release={str(release)!r}).id)",
            env={**env, "TASKS_BACKEND": "database"},
        ).strip().splitlines()[-1]  # fmt: skip
        wait_until(started.exists, what="the runner to start the task", timeout=30)
        web.process.send_signal(signal.SIGTERM)
        # Released only once uvicorn has closed the server and is about to exit: without
        # the lifespan hook the process would die now, leaving the task RUNNING.
        wait_until(
            lambda: "Waiting for application shutdown" in web.log.read_text(),
            what="uvicorn's shutdown",
            timeout=30,
        )
        release.write_text("go")
        web.process.wait(timeout=60)
    [row] = sql_rows(
        database_url,
        "SELECT status, return_value FROM django_tasks_database_dbtaskresult WHERE id = %s",
        (task_id.replace("-", ""),),
    )
    assert row == ("SUCCESSFUL", '"released"')
