"""Real processes for the task-backend tests: a migrated SQLite file, the Procfile's web
server on a free port, management commands, and polling of the status endpoint.

Each test owns its database file, so the web process, the test and any worker share it
whether the suite itself runs on in-memory SQLite or on PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from devtools.net import free_port, http_wait, wait_until
from devtools.processes import ProcessGroup, manage_run

OPS_TOKEN = "ops-token-for-process-tests-0123456789"
WAIT_SECONDS = 90
# GET /api/tasks/{id}'s keys, the same in every TASKS_BACKEND mode.
TASK_STATUS_KEYS = {
    "id", "task", "queue", "status", "enqueued_at", "started_at", "finished_at",
    "attempts", "result", "error",
}  # fmt: skip


def process_env(*, database_url: str, upload_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "TASKS_BACKEND", "DATABASE_URL"}
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "true",
            "OPS_TOKEN": OPS_TOKEN,
            "TASK_HEARTBEAT_SECONDS": "0.5",
            "TASK_RUNNER_POLL_SECONDS": "0.5",
            "UPLOAD_DIR": str(upload_dir),
            **extra,
        }
    )
    return env


def sqlite_database(tmp_path: Path, **extra: str) -> str:
    """A migrated SQLite file; `extra` is the environment (TASKS_BACKEND=rq adds an app)."""
    url = f"sqlite:///{tmp_path / 'tasks.sqlite3'}"
    env = process_env(database_url=url, upload_dir=tmp_path, **extra)
    manage_run("migrate", "--noinput", "-v0", env=env)
    return url


@contextmanager
def postgres_database(tmp_path: Path) -> Iterator[str]:
    """A migrated PostgreSQL database of its own beside the suite's test database (dropped
    afterwards), so that processes share it while the test reads it with plain SQL."""
    import psycopg2
    from django.db import connection

    db = connection.settings_dict
    name = f"{db['NAME']}_proc"[:63]
    admin = psycopg2.connect(
        host=db.get("HOST") or "127.0.0.1", port=db.get("PORT") or 5432,
        user=db.get("USER") or "postgres", password=db.get("PASSWORD") or None,
        dbname="postgres",
    )  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    auth = (db.get("USER") or "postgres") + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    url = f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"
    try:
        manage_run(
            "migrate", "--noinput", "-v0", env=process_env(database_url=url, upload_dir=tmp_path)
        )
        yield url
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def sql_rows(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of `sql` (written with %s) from the SQLite file or PostgreSQL database at `url`."""
    if url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as lite:
            return lite.execute(sql.replace("%s", "?"), params).fetchall()
    import psycopg2

    # closing(): psycopg2's own `with` ends the transaction but keeps the connection open.
    with closing(psycopg2.connect(url)) as pg, pg.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


@dataclass
class WebProcess:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def get(self, path: str, *, token: str = OPS_TOKEN) -> httpx.Response:
        return httpx.get(self.url + path, headers=_auth(token), timeout=30)

    def post(self, path: str, *, token: str = OPS_TOKEN, json: Any = None) -> httpx.Response:
        return httpx.post(self.url + path, headers=_auth(token), json=json, timeout=30)

    def task_wait(self, task_id: str, *, until: str = "SUCCESSFUL") -> dict[str, Any]:
        """Poll GET /api/tasks/{id} until the task has finished; its last answer."""
        seen: dict[str, Any] = {}

        def finished() -> bool:
            seen.update(self.get(f"/api/tasks/{task_id}").json())
            return seen.get("status") in {"SUCCESSFUL", "FAILED"}

        wait_until(finished, what=f"task {task_id} to finish", timeout=WAIT_SECONDS, interval=0.2)
        assert seen["status"] == until, (seen, self.log.read_text()[-3000:])
        assert set(seen) == TASK_STATUS_KEYS
        return seen


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


@contextmanager
def web_process(*, env: dict[str, str], log: Path, workers: int = 2) -> Iterator[WebProcess]:
    """The Procfile's web command (gunicorn with uvicorn workers) on a free loopback port,
    its output in `log` (a `<name>.log` path)."""
    port = free_port()
    processes = ProcessGroup(log.parent)
    process = processes.start(
        log.stem,
        [
            sys.executable, "-m", "gunicorn", "fastopp_site.asgi:application",
            "--worker-class", "uvicorn_worker.UvicornWorker",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers),
            "--graceful-timeout", "30",
            "--no-control-socket",
        ],
        env=env,
    )  # fmt: skip
    try:
        http_wait(f"http://127.0.0.1:{port}/healthz", timeout=WAIT_SECONDS)
        yield WebProcess(
            url=f"http://127.0.0.1:{port}", process=process, log=processes.log_path(log.stem)
        )
    finally:
        processes.kill()  # no graceful shutdown: the tests that want one send SIGTERM themselves


def api_token(*, env: dict[str, str], email: str = "admin@example.com") -> str:
    return manage_run("createapitoken", email, env=env).strip()
