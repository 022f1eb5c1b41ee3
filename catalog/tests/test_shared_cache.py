"""Two real web processes and the task worker, started with the Procfile's own commands.

The site runs in production mode on a SQLite file of its own, or on the PostgreSQL pass's
test database. Process B's catalog cache is
warmed, a product is saved through process A's API, demo data is reset by the worker
(queued through A) and by `manage.py loaddemo --reset`, and after each write B is asked
again. On Redis (CACHE_URL) B must answer fresh at once; on the default local-memory cache
B answers stale, which is the documented single-process limit.

Redis: TEST_REDIS_URL (default redis://127.0.0.1:6379/1); every key gets a per-run prefix,
so nothing else in that database is read or removed. The test skips when Redis does not
answer, unless REQUIRE_REDIS=1 (CI), which makes that a failure.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from django.conf import settings as django_settings

from devtools.databases import database_url_for_subprocess, redis_or_skip
from devtools.net import free_port, http_wait, wait_until
from devtools.processes import ProcessGroup, manage_run

# The test database only serves the PostgreSQL pass (see _site); rows are flushed afterwards.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(django_settings.BASE_DIR)
LAMP = "Shared cache lamp"
WAIT_SECONDS = 90
# Production checks want a real key; this one is only ever used by this test's processes.
SECRET_KEY = "shared-cache-test-" + "k3Jq9vX2mN8pL4tR7wY1zA6cB5dE0fG-hI_jK2lM3nO4pQ5rS6t"
OPS_TOKEN = secrets.token_urlsafe(24)


def _redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
    redis_or_skip(url, what="shared-cache test").close()
    return url


def _procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


@dataclass
class Site:
    """One deployment: a database file, an environment, and the processes started on it."""

    folder: Path
    env: dict[str, str]
    processes: ProcessGroup = field(init=False)

    def __post_init__(self) -> None:
        self.processes = ProcessGroup(self.folder, grace=20)

    def manage(self, *args: str) -> str:
        return manage_run(*args, env=self.env, timeout=WAIT_SECONDS)

    def start(self, name: str, **extra_env: str) -> None:
        """A Procfile process, by its name there (web, worker), in its own process group."""
        self.processes.start(
            f"{name}-{len(self.processes.started)}",
            ["sh", "-c", _procfile()[name]],
            env={**self.env, **extra_env},
        )

    def web(self) -> httpx.Client:
        port = free_port()
        self.start("web", PORT=str(port), WEB_CONCURRENCY="1")
        try:
            http_wait(f"http://127.0.0.1:{port}/healthz", timeout=WAIT_SECONDS)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.processes.log_text()}") from exc
        # TLS ends at the platform's proxy, which says so in X-Forwarded-Proto.
        return httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            headers={"X-Forwarded-Proto": "https"},
            timeout=60,
        )

    def product_names_in_database(self) -> set[str]:
        """Read past every cache: straight from the database the processes share."""
        url = self.env["DATABASE_URL"]
        if url.startswith("sqlite:///"):
            with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
                return {name for (name,) in db.execute("SELECT name FROM catalog_product")}
        import psycopg2

        with closing(psycopg2.connect(url)) as server:
            cursor = server.cursor()
            cursor.execute("SELECT name FROM catalog_product")
            return {name for (name,) in cursor.fetchall()}


def _site(tmp_path: Path, *, cache_url: str | None) -> Iterator[Site]:
    """On the PostgreSQL pass the processes share the test database (flushed afterwards);
    otherwise a SQLite file of their own, so the test runs without any set-up too."""
    from django.db import connection

    if connection.vendor == "postgresql":
        database_url = database_url_for_subprocess()
    else:
        database_url = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "TEST_DATABASE_NAME", "CACHE_URL", "PORT"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "fastopp_site.settings",
            # The Procfile's commands say `gunicorn` and `python`: this venv's.
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "ENVIRONMENT": "production",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": str(database_url),
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "OPS_TOKEN": OPS_TOKEN,
            # Longer than the test, so an entry never expires under it: staleness is visible.
            "CATALOG_CACHE_SECONDS": "600",
        }
    )
    if cache_url is not None:
        env["CACHE_URL"] = cache_url
    site = Site(folder=tmp_path, env=env)
    site.manage("migrate", "--noinput")  # the Procfile's release step (a no-op on PostgreSQL)
    site.manage("loaddemo")
    try:
        yield site
    finally:
        site.processes.stop()


@pytest.fixture
def redis_site(tmp_path: Path) -> Iterator[Site]:
    import redis

    url = _redis_url()
    prefix = f"fastopp-test-{secrets.token_hex(6)}"
    yield from _site(tmp_path, cache_url=f"{url}?key_prefix={prefix}")
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def local_memory_site(tmp_path: Path) -> Iterator[Site]:
    yield from _site(tmp_path, cache_url=None)


def _names(client: httpx.Client, *, search: str = "") -> set[str]:
    response = client.get("/api/products", params={"search": search} if search else None)
    assert response.status_code == 200, response.text[:500]
    return {product["name"] for product in response.json()["products"]}


def _lamp_add(client: httpx.Client, *, token: str) -> None:
    response = client.post(
        "/api/products",
        json={"name": LAMP, "price": "19.99", "category": "Home"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.text[:500]


def _demo_reset_through_worker(client: httpx.Client) -> None:
    ops = {"Authorization": f"Bearer {OPS_TOKEN}"}
    queued = client.post("/async/init-demo", json={"reset": True}, headers=ops)
    assert queued.status_code == 202, queued.text[:500]
    status_url = queued.json()["status_url"]

    def finished() -> bool:
        return client.get(status_url, headers=ops).json()["status"] in {"SUCCESSFUL", "FAILED"}

    wait_until(finished, what="the init-demo task to finish", timeout=WAIT_SECONDS, interval=0.2)
    assert client.get(status_url, headers=ops).json()["status"] == "SUCCESSFUL"


@dataclass
class Observed:
    """What process B answered after each write, beside what the database held."""

    after_api_save: set[str]
    lamp_search_before_worker_reset: set[str]
    lamp_search_after_worker_reset: set[str]
    lamp_search_after_command_reset: set[str]


def _scenario(site: Site) -> Observed:
    token = site.manage("createapitoken", "marketing@example.com").strip()
    site.start("worker")
    process_a, process_b = site.web(), site.web()
    with process_a, process_b:
        warmed = _names(process_b)
        assert LAMP not in warmed
        _names(process_a)

        _lamp_add(process_a, token=token)
        assert LAMP in site.product_names_in_database()
        after_api_save = _names(process_b)

        # A search B has not cached yet: it reads the database now, and caches the lamp.
        before_worker_reset = _names(process_b, search=LAMP)
        _demo_reset_through_worker(process_a)
        assert LAMP not in site.product_names_in_database()  # reset removes extra products
        after_worker_reset = _names(process_b, search=LAMP)

        # Again, with the reset run as a one-off command (a release step, a shell).
        _lamp_add(process_a, token=token)
        assert _names(process_b, search="lamp") == {LAMP}
        site.manage("loaddemo", "--reset")
        assert LAMP not in site.product_names_in_database()
        after_command_reset = _names(process_b, search="lamp")
    return Observed(
        after_api_save=after_api_save,
        lamp_search_before_worker_reset=before_worker_reset,
        lamp_search_after_worker_reset=after_worker_reset,
        lamp_search_after_command_reset=after_command_reset,
    )


def test_on_redis_every_process_serves_fresh_products_at_once(redis_site: Site) -> None:
    seen = _scenario(redis_site)
    assert LAMP in seen.after_api_save
    assert seen.lamp_search_before_worker_reset == {LAMP}
    assert seen.lamp_search_after_worker_reset == set()
    assert seen.lamp_search_after_command_reset == set()


def test_on_the_local_memory_cache_another_process_serves_stale_products(
    local_memory_site: Site,
) -> None:
    """The default cache lives inside each process: a save clears only the saving process's
    entries. Web process B keeps serving what it cached (up to CATALOG_CACHE_SECONDS, 30 s
    by default) after a save through process A, a reset by the task worker, or a reset by
    `loaddemo --reset`. This is why the README asks for CACHE_URL=redis://... with two or
    more processes. If this test fails, the default cache is no longer per process: update
    the README's cache section with it.
    """
    seen = _scenario(local_memory_site)
    assert LAMP not in seen.after_api_save
    assert seen.lamp_search_before_worker_reset == {LAMP}
    assert seen.lamp_search_after_worker_reset == {LAMP}
    assert seen.lamp_search_after_command_reset == {LAMP}
