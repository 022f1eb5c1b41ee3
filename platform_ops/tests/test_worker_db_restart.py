"""A real worker keeps working across a real PostgreSQL restart.

The test builds its own throw-away cluster (initdb on a free loopback port) so that it can
stop and start a server without touching the machine's PostgreSQL or other tests.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from devtools.net import free_port, wait_until
from devtools.processes import ProcessGroup, manage_run

pytestmark = [pytest.mark.slow]

WAIT_SECONDS = 90


def _postgres_bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).parent if candidates else None


@dataclass
class Cluster:
    bindir: Path
    datadir: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/fastopp"

    def pg_ctl(self, *args: str) -> None:
        _as_owner([str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-w", *args])

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.datadir}"
        self.pg_ctl("-o", options, "-l", str(self.datadir / "server.log"), "start")

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="fastopp")
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql, params)
                return list(cursor.fetchall())
        finally:
            conn.close()


def _as_owner(command: list[str], *, check: bool = True) -> None:
    # PostgreSQL refuses to run as root; the machine's `postgres` account owns the cluster then.
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=check, capture_output=True, timeout=120)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if connection.vendor != "postgresql":
        pytest.skip("runs once, in the PostgreSQL pass of the suite")
    bindir = _postgres_bindir()
    if bindir is None or not (bindir / "initdb").exists():
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    datadir = Path(tempfile.mkdtemp(prefix="fastopp-pg-"))
    if os.geteuid() == 0:
        shutil.chown(datadir, "postgres", "postgres")
    cluster = Cluster(bindir=bindir, datadir=datadir, port=free_port())
    try:
        _as_owner([str(bindir / "initdb"), "-D", str(datadir), "-U", "postgres", "-A", "trust"])
        cluster.start()
        admin = psycopg2.connect(
            host="127.0.0.1", port=cluster.port, user="postgres", dbname="postgres"
        )
        admin.autocommit = True
        admin.cursor().execute("CREATE DATABASE fastopp")
        admin.close()
        yield cluster
    finally:
        _as_owner(
            [str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "stop"], check=False
        )
        shutil.rmtree(datadir, ignore_errors=True)


def _manage(cluster: Cluster, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": cluster.url, "DEBUG": "true"}
    return manage_run(*args, env=env, timeout=120).strip()


def _enqueue(cluster: Cluster, key: int) -> str:
    code = f"from platform_ops.tests.worker_tasks import echo; print(echo.enqueue(value={key}).id)"
    return _manage(cluster, "shell", "-c", code).splitlines()[-1]


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    def holds() -> bool:
        try:
            return condition()
        except psycopg2.OperationalError:
            return False  # the server is still coming back

    wait_until(holds, what=what, timeout=WAIT_SECONDS, interval=0.3)


def test_worker_survives_a_postgresql_restart(cluster: Cluster, tmp_path: Path) -> None:
    _manage(cluster, "migrate", "--noinput")
    processes = ProcessGroup(tmp_path)
    worker = processes.start(
        "worker",
        [sys.executable, "manage.py", "run_worker", "--interval", "0.2"],
        env={
            **os.environ,
            "DATABASE_URL": cluster.url,
            "DEBUG": "true",
            "TASK_HEARTBEAT_SECONDS": "0.5",
            "TASK_RECOVER_EVERY_SECONDS": "1",
        },
    )
    table = DBTaskResult._meta.db_table

    def succeeded(task_id: str) -> bool:
        rows = cluster.query(f"SELECT status FROM {table} WHERE id = %s", (task_id,))  # noqa: S608
        return rows == [("SUCCESSFUL",)]

    try:
        before = _enqueue(cluster, 1)
        _wait_for(lambda: succeeded(before), "the first task")

        # A fast restart drops every connection; the server is then down for a few seconds.
        cluster.pg_ctl("-m", "fast", "stop")
        time.sleep(3)
        cluster.start()

        after = _enqueue(cluster, 2)
        _wait_for(lambda: succeeded(after), "a task queued after the restart")
        assert worker.poll() is None, "the supervisor itself must stay up"
        assert cluster.query(
            f"SELECT return_value FROM {table} WHERE id = %s",  # noqa: S608
            (after,),
        ) == [(2,)]
    finally:
        processes.kill()
