"""TASKS_BACKEND=thread end to end: the Procfile's web process with two gunicorn workers and
no worker process runs init-demo and reports queued through the API."""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

import pytest

from devtools.net import wait_until
from platform_ops.tests.processes import (
    api_token,
    manage,
    process_env,
    sqlite_database,
    web_process,
)

pytestmark = pytest.mark.slow


def _heartbeats(database: Path) -> list[tuple[str, int | None, str | None]]:
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT worker_id, pid, stopped_at FROM platform_ops_workerheartbeat"
        ).fetchall()


def test_thread_mode_runs_init_demo_and_reports_in_the_web_process(tmp_path: Path) -> None:
    env = process_env(
        database_url=sqlite_database(tmp_path), upload_dir=tmp_path / "uploads",
        TASKS_BACKEND="thread",
    )  # fmt: skip
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

        database = tmp_path / "tasks.sqlite3"
        assert _heartbeats(database), "no runner thread sent a heartbeat"
        web.process.send_signal(signal.SIGTERM)
        web.process.wait(timeout=60)
        # Each runner closed its heartbeat on the way out (atexit), so recovery elsewhere
        # knows at once that nothing in this process runs tasks any more.
        wait_until(
            lambda: all(stopped for _, _, stopped in _heartbeats(database)),
            what="every runner's heartbeat closed",
            timeout=10,
        )


def test_sigterm_lets_the_runner_finish_its_task_before_the_process_exits(
    tmp_path: Path,
) -> None:
    env = process_env(
        database_url=sqlite_database(tmp_path), upload_dir=tmp_path / "uploads",
        TASKS_BACKEND="thread",
    )  # fmt: skip
    started, release = tmp_path / "started", tmp_path / "release"
    with web_process(env=env, log=tmp_path / "web.log", workers=1) as web:
        assert web.get("/healthz", token="").status_code == 200  # starts the runner
        # Queued by another process (the database mode: it must not run it itself).
        task_id = manage(
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
    with sqlite3.connect(tmp_path / "tasks.sqlite3") as db:
        status, value = db.execute(
            "SELECT status, return_value FROM django_tasks_database_dbtaskresult WHERE id = ?",
            [task_id.replace("-", "")],
        ).fetchone()
    assert (status, value) == ("SUCCESSFUL", '"released"')
