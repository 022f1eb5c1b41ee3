"""How other processes reach the test database (devtools.databases)."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from devtools.databases import database_url_for_subprocess, postgres_reachable
from devtools.net import free_port


@pytest.mark.django_db
def test_subprocess_url_names_this_workers_own_test_database() -> None:
    # Read from the environment, not xdist's fixture: the test also runs without xdist.
    worker_id = os.environ.get("PYTEST_XDIST_WORKER", "master")
    url = database_url_for_subprocess()
    if url is None:
        assert connection.vendor == "sqlite"  # in-memory: no other process can open it
        return
    assert url.endswith(str(connection.settings_dict["NAME"]))
    if worker_id != "master":
        # pytest-xdist: each worker has its own database, and so do the processes it starts.
        assert url.endswith(f"_{worker_id}")


def test_an_unreachable_postgres_server_says_why() -> None:
    reason = postgres_reachable(f"postgres://app:hunter2-canary@127.0.0.1:{free_port()}/shop")
    assert reason
    assert "hunter2-canary" not in reason
