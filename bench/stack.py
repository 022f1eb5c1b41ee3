"""What a benchmark run starts and stops: databases, the app server, the fake LLM, the worker.

Everything listens on 127.0.0.1 and every process is stopped when its ``with`` block ends,
whatever happened inside it.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import httpx

from devtools.net import free_port
from devtools.processes import ProcessGroup, manage_run

BASE_DIR = Path(__file__).resolve().parent.parent
PSYCOPG3_DIR = BASE_DIR / ".bench-deps" / "psycopg3"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/fastopp_bench"

Server = Literal["gunicorn", "runserver"]
DatabaseKind = Literal["sqlite", "postgres", "postgres-pool"]

BENCH_USER_SCRIPT = (
    "from accounts.models import User; from accounts.services import api_token_create; "
    "u, _ = User.objects.get_or_create(email='bench@example.com', "
    "defaults={'is_staff': True, 'is_superuser': True}); "
    "print(api_token_create(user=u, name='bench').plain)"
)


def wait_http(url: str, *, timeout: float = 60.0) -> float:
    """Poll until the URL answers 200; return the seconds it took."""
    started = time.perf_counter()
    deadline = started + timeout
    while time.perf_counter() < deadline:
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s")


def rss_mb(pids: list[int]) -> float:
    """Resident memory of these processes, in MiB (Linux /proc)."""
    total_kb = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total_kb / 1024


def child_pids(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(part) for part in text.split()]


@dataclass
class Database:
    """A prepared database: migrated, demo data loaded, a staff user with an API token."""

    kind: DatabaseKind
    url: str
    token: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        env = {"DATABASE_URL": self.url}
        if self.kind == "postgres-pool":
            # psycopg 3 lives in its own folder so that the project's default driver
            # (psycopg2) stays the one everything else uses.
            env |= {
                "DATABASE_POOL": "true",
                "DATABASE_POOL_MIN": "4",
                "DATABASE_POOL_MAX": "20",
                "PYTHONPATH": str(PSYCOPG3_DIR),
            }
        return env

    def with_kind(self, kind: DatabaseKind) -> Database:
        return Database(kind=kind, url=self.url, token=self.token, timings=self.timings)


def base_env() -> dict[str, str]:
    return {
        **{key: value for key, value in os.environ.items() if not key.startswith("DATABASE_")},
        "DEBUG": "false",
        "ENVIRONMENT": "development",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "BENCH_ENDPOINTS": "true",
        "CHAT_RATE_LIMIT_IP_PER_MINUTE": "0",
        "CHAT_RATE_LIMIT_USER_PER_MINUTE": "0",
        "CHAT_DAILY_QUOTA": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def timed_manage(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    manage_run(*args, env=env, timeout=600.0)
    return time.perf_counter() - started


def database_prepare(kind: DatabaseKind, url: str, *, sales_orders: int = 0) -> Database:
    env = {**base_env(), "DATABASE_URL": url}
    if kind != "sqlite":
        _postgres_recreate(url)
    database = Database(kind=kind, url=url)
    database.timings["migrate_s"] = timed_manage(env, "migrate", "--noinput", "-v0")
    database.timings["loaddemo_s"] = timed_manage(env, "loaddemo")
    if sales_orders:
        database.timings["seed_sales_s"] = timed_manage(
            env, "seed_sales", "--orders", str(sales_orders), "--seed", "1"
        )
    token = manage_run("shell", "-c", BENCH_USER_SCRIPT, env=env, timeout=600.0)
    database.token = token.strip().splitlines()[-1]
    return database


def _admin_dsn(url: str) -> str:
    return url.rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres"


def _postgres_admin(url: str, *statements: str) -> None:
    import psycopg2

    conn = psycopg2.connect(_admin_dsn(url))
    conn.autocommit = True
    with conn.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    conn.close()


def _postgres_recreate(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    _postgres_admin(
        url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'
    )


def postgres_drop(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    _postgres_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class App:
    url: str
    llm_url: str
    token: str
    process: subprocess.Popen[bytes]
    cold_start_s: float

    def worker_pids(self) -> list[int]:
        # gunicorn: the workers are the master's children; runserver serves in-process.
        return child_pids(self.process.pid) or [self.process.pid]

    def memory_mb(self) -> float:
        return rss_mb(self.worker_pids())


def server_command(server: Server, port: int, workers: int) -> list[str]:
    if server == "gunicorn":
        return [sys.executable, "-m", "gunicorn", "fastopp_site.asgi:application",
                "-k", "uvicorn_worker.UvicornWorker", "-w", str(workers),
                "--no-control-socket", "-b", f"127.0.0.1:{port}",
                "--log-level", "warning", "--backlog", "2048", "--timeout", "120"]  # fmt: skip
    return [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]


@contextmanager
def running(
    *,
    database: Database,
    server: Server = "gunicorn",
    workers: int = 1,
    llm_latency: float = 2.0,
    task_worker: bool = False,
    extra_env: dict[str, str] | None = None,
) -> Iterator[App]:
    """The fake LLM, the app (and optionally the task worker), stopped on exit."""
    with tempfile.TemporaryDirectory(prefix="fastopp-bench-") as tmp:
        processes = ProcessGroup(Path(tmp), grace=15)
        llm_port, web_port = free_port(), free_port()
        env = {
            **base_env(),
            **database.env(),
            "OPENROUTER_API_KEY": "bench",
            "OPENROUTER_BASE_URL": f"http://127.0.0.1:{llm_port}/v1",
            "OPENROUTER_LLM_MODEL": "fake/model",
            "CHAT_READ_TIMEOUT": "60",
            "CHAT_TOTAL_TIMEOUT": "120",
            **(extra_env or {}),
        }
        if server == "runserver":
            env["DEBUG"] = "true"  # runserver serves static files and answers only in DEBUG
        try:
            fake_llm = [sys.executable, "-m", "devtools.fake_llm", "--port", str(llm_port),
                        "--latency", str(llm_latency), "--tokens-per-second", "200"]  # fmt: skip
            processes.start("fake-llm", fake_llm, env=env)
            started = time.perf_counter()
            web = processes.start("web", server_command(server, web_port, workers), env=env)
            url = f"http://127.0.0.1:{web_port}"
            wait_http(f"{url}/healthz")
            cold = time.perf_counter() - started
            wait_http(f"http://127.0.0.1:{llm_port}/v1/models")
            if task_worker:
                processes.start(
                    "worker",
                    [sys.executable, "manage.py", "run_worker", "--interval", "0.1"],
                    env=env,
                )
            yield App(
                url=url,
                llm_url=f"http://127.0.0.1:{llm_port}",
                token=database.token,
                process=web,
                cold_start_s=cold,
            )
        finally:
            processes.stop()
