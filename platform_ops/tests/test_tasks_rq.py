"""TASKS_BACKEND=rq against a real Redis: the web process queues init-demo and a report in
Redis, `manage.py rqworker --burst` runs them, and GET /api/tasks/{id} reads the results.

Skipped when Redis does not answer at TEST_REDIS_URL (default redis://127.0.0.1:6379/2);
REQUIRE_REDIS=1 turns the skip into a failure (CI sets it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.databases import redis_or_skip
from devtools.processes import manage_run
from platform_ops.tests.processes import (
    api_token,
    process_env,
    sqlite_database,
    web_process,
)

pytestmark = pytest.mark.slow

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/2")
RQ_WORKER = ("rqworker", "--burst", "--job-class", "django_tasks_rq.Job")
QUEUES = ("default", "reports", "ops", "chat")


@pytest.fixture
def redis_queue() -> Iterator[str]:
    """The Redis URL, held for this test alone: the suite's SQLite and PostgreSQL passes run
    side by side, and one pass's burst worker must not run the other's jobs."""
    client = redis_or_skip(REDIS_URL, what="rq test")
    with client.lock("fastopp-tests:rq-queues", timeout=300, blocking_timeout=300):
        yield REDIS_URL
    client.close()


def test_rq_backend_runs_init_demo_and_a_report_through_its_worker(
    tmp_path: Path, redis_queue: str
) -> None:
    rq = {"TASKS_BACKEND": "rq", "TASKS_REDIS_URL": redis_queue}
    env = process_env(
        database_url=sqlite_database(tmp_path, **rq), upload_dir=tmp_path / "uploads", **rq
    )
    manage_run(*RQ_WORKER, *QUEUES, env=env)  # leftovers of an interrupted run, if any
    with web_process(env=env, log=tmp_path / "web.log", workers=1) as web:
        queued = web.post("/async/init-demo")
        assert queued.status_code == 202, queued.text
        task_id = queued.json()["task_id"]
        waiting = web.get(f"/api/tasks/{task_id}").json()
        assert (waiting["status"], waiting["queue"]) == ("READY", "ops")  # no worker yet

        manage_run(*RQ_WORKER, *QUEUES, env=env)
        demo = web.task_wait(task_id)
        assert demo["result"]["steps"]["users"]["total"] >= 1
        assert demo["attempts"] == 1

        token = api_token(env=env)
        run = web.post("/api/reports/top_products/runs", token=token, json={"limit": 3})
        assert run.status_code == 202, run.text
        manage_run(*RQ_WORKER, "reports", env=env)
        report = web.task_wait(run.json()["task_id"])
        assert report["task"] == "report_run"
        detail = web.get(f"/api/reports/runs/{run.json()['id']}", token=token).json()
        assert detail["status"] == "succeeded"

        health = web.get("/health", token="")
        assert health.status_code == 200, health.text
        assert health.json()["queue"] == {"status": "unavailable with TASKS_BACKEND=rq"}
        assert web.get("/api/tasks/no-such-task").status_code == 404
