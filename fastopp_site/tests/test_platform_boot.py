"""A platform boot without the container: what Fly, Railway and LeapCell do with a fresh clone.

The tree is copied through .dockerignore (what a build receives), installed into a new venv
from requirements.txt alone, built with the documented step (collectstatic), released
(migrate), and the Procfile's web and worker lines run through a shell in production mode.
The web process is probed the way the platforms probe it: health over plain HTTP with Fly's
and Railway's Host values, pages over the proxy's X-Forwarded-Proto, then queued work, a
queued report and a chat against the local fake LLM. The worker and the release run with no
ALLOWED_HOSTS, as on a Railway worker service, which has no public domain.
"""

from __future__ import annotations

import fnmatch
import re
import secrets
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings
from django.db import connection

from devtools.fake_llm import FakeLLMServer
from devtools.net import free_port, http_wait, wait_until
from devtools.processes import ProcessGroup, manage_run

pytestmark = pytest.mark.slow

ROOT = Path(settings.BASE_DIR)
PUBLIC_HOST = "app.example.com"
# Fly's checker sends the machine's private address and port; Railway documents its own host.
PROBE_HOSTS = ("127.0.0.1:8080", "[fdaa:0:1::3]:8080", "healthcheck.railway.app")
WAIT_SECONDS = 90.0


def _procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


def _ignored(patterns: list[str]) -> Callable[[str, list[str]], set[str]]:
    """shutil.copytree's ignore function for .dockerignore patterns (relative to the root)."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        relative = Path(directory).relative_to(ROOT)
        skipped = set()
        for name in names:
            path = (relative / name).as_posix()
            for pattern in patterns:
                anywhere = pattern.startswith("**/") and fnmatch.fnmatch(name, pattern[3:])
                if anywhere or fnmatch.fnmatch(path, pattern):
                    skipped.add(name)
        return skipped

    return ignore


def _fresh_clone(target: Path) -> Path:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    shutil.copytree(ROOT, target, ignore=_ignored(patterns), symlinks=True)
    return target


def _install(venv: Path) -> Path:
    """A new venv with requirements.txt only: uv when it is at hand, else venv + pip."""
    uv = shutil.which("uv") or shutil.which("uv", path=str(Path(sys.executable).parent))
    python = venv / "bin" / "python"
    requirements = str(ROOT / "requirements.txt")
    if uv:
        subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True)
        subprocess.run(
            [uv, "pip", "install", "--quiet", "--python", str(python), "-r", requirements],
            check=True,
        )
    else:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "-r", requirements], check=True
        )
    return python


@pytest.fixture
def boot_database_url() -> Iterator[str]:
    """A new, empty PostgreSQL database beside the test database (migrate must build it)."""
    import psycopg2

    if connection.vendor != "postgresql":
        pytest.skip("runs once, in the PostgreSQL pass (a platform's database)")
    db = connection.settings_dict
    name = f"{db['NAME']}_platform_boot"[:63]
    host, port = str(db.get("HOST") or "127.0.0.1"), int(db.get("PORT") or 5432)
    user, password = str(db.get("USER") or "postgres"), str(db.get("PASSWORD") or "")

    def execute(sql: str) -> None:
        admin = psycopg2.connect(
            dbname="postgres", host=host, port=port, user=user, password=password or None
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(sql)
        admin.close()

    execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    execute(f'CREATE DATABASE "{name}"')
    auth = user + (f":{password}" if password else "")
    try:
        yield f"postgres://{auth}@{host}:{port}/{name}"
    finally:
        execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Boot:
    """The booted site: its processes, their environment and an HTTP client."""

    def __init__(self, *, app: Path, python: Path, env: dict[str, str], logs: Path) -> None:
        self.app, self.python, self.env = app, python, env
        self.processes = ProcessGroup(logs, grace=40)  # gunicorn's graceful timeout is 30 s

    def manage(self, *args: str, env: dict[str, str] | None = None) -> str:
        return manage_run(
            *args, env=env or self.env, cwd=self.app, python=self.python, timeout=None
        )

    def start(self, name: str, line: str, env: dict[str, str]) -> None:
        # Platforms run a Procfile line through a shell, which expands ${PORT:-8000} and so on.
        self.processes.start(name, ["bash", "-c", line], env=env, cwd=self.app)

    def log(self) -> str:
        return self.processes.log_text()


@pytest.fixture
def booted(tmp_path: Path, boot_database_url: str) -> Iterator[tuple[Boot, httpx.Client, Any]]:
    app = _fresh_clone(tmp_path / "app")
    python = _install(tmp_path / "venv")
    path = f"{python.parent}:/usr/local/bin:/usr/bin:/bin"
    # A clean environment: nothing of the test process (its settings module, its database).
    common = {"PATH": path, "HOME": str(tmp_path), "LANG": "C.UTF-8", "ENVIRONMENT": "production"}
    logs = tmp_path / "logs"
    logs.mkdir()
    build_env = dict(common)  # a builder has no secrets and no database, as in the Dockerfile
    runtime = {
        **common,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": boot_database_url,
        "OPS_TOKEN": secrets.token_urlsafe(32),
    }
    boot = Boot(app=app, python=python, env=runtime, logs=logs)
    boot.manage("collectstatic", "--noinput", env=build_env)
    boot.manage("migrate", "--noinput")  # the release step, with no ALLOWED_HOSTS
    port = free_port()
    with FakeLLMServer(api_key="boot-key") as llm:
        web_env = {
            **runtime,
            "ALLOWED_HOSTS": PUBLIC_HOST,
            "PORT": str(port),
            "OPENROUTER_API_KEY": "boot-key",
            "OPENROUTER_BASE_URL": llm.base_url,
            "OPENROUTER_LLM_MODEL": "fake/model",
        }
        procfile = _procfile()
        boot.start("web", procfile["web"], web_env)
        boot.start("worker", procfile["worker"], runtime)
        try:
            http_wait(f"http://127.0.0.1:{port}/healthz", timeout=WAIT_SECONDS)
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
                yield boot, client, llm
        except BaseException:
            print(boot.log())
            raise
        finally:
            boot.processes.stop()


def _site(token: str | None = None) -> dict[str, str]:
    """What the platform's proxy adds to a visitor's request: the public host, and https."""
    headers = {"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https"}
    return {**headers, "Authorization": f"Bearer {token}"} if token else headers


def _task_done(client: httpx.Client, task_id: str, headers: dict[str, str]) -> dict[str, Any]:
    answers: list[dict[str, Any]] = []

    def finished() -> bool:
        answers.append(client.get(f"/api/tasks/{task_id}", headers=headers).json())
        return answers[-1].get("status") in {"SUCCESSFUL", "FAILED"}

    wait_until(finished, what=f"task {task_id} to finish", timeout=WAIT_SECONDS, interval=0.2)
    return answers[-1]


def test_fresh_install_boots_like_a_platform(booted):
    boot, client, llm = booted
    try:
        _probe_like_the_platforms(boot, client, llm)
    except Exception as exc:
        # The processes' own logs say why far better than a status code.
        raise AssertionError(f"{exc}\n{boot.log()}") from exc


def _probe_like_the_platforms(boot: Boot, client: httpx.Client, llm: FakeLLMServer) -> None:
    for host in PROBE_HOSTS:  # plain HTTP, as the checkers send it
        health = client.get("/health", headers={"Host": host})
        assert health.status_code == 200, (host, health.text)
        assert health.json()["status"] == "ok"
        assert client.get("/healthz", headers={"Host": host}).status_code == 200
    assert client.get("/", headers={"Host": "elsewhere.example"}).status_code == 400
    redirect = client.get("/", headers={"Host": PUBLIC_HOST})
    assert redirect.status_code == 301
    assert redirect.headers["location"] == f"https://{PUBLIC_HOST}/"

    home = client.get("/", headers=_site())
    assert home.status_code == 200, home.text[:500]
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', home.text)
    assert stylesheet, "no hashed stylesheet on the home page"
    css = client.get(stylesheet.group(1), headers=_site())
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")

    ops = boot.env["OPS_TOKEN"]
    queued = client.post("/async/init-demo", headers=_site(ops))
    assert queued.status_code in {200, 202}, queued.text
    assert _task_done(client, queued.json()["task_id"], _site(ops))["status"] == "SUCCESSFUL"

    token = boot.manage("createapitoken", "sales@example.com").strip()  # reports: a sales rep
    run = client.post("/api/reports/top_products/runs", headers=_site(token), json={})
    assert run.status_code == 202, run.text
    assert _task_done(client, run.json()["task_id"], _site(token))["status"] == "SUCCESSFUL"
    finished = client.get(f"/api/reports/runs/{run.json()['id']}", headers=_site(token)).json()
    assert finished["status"] == "succeeded", finished

    chat = client.post("/api/chat", headers=_site(token), json={"message": "hello from a boot"})
    assert chat.status_code == 200, chat.text
    assert chat.json()["offline"] is False
    assert chat.json()["raw_response"]
    assert llm.state.requests, "the chat never reached the model server"
