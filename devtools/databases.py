"""Databases seen from outside a test: is the server up, how does another process reach it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


def postgres_reachable(url: str) -> str | None:
    """None when the PostgreSQL server of `url` answers, else the reason it does not."""
    import psycopg2

    parts = urlsplit(url.replace("+psycopg2", "").replace("+asyncpg", "").replace("+psycopg", ""))
    try:
        psycopg2.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg2.OperationalError as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else "connection failed"
    return None


def redis_or_skip(url: str, *, what: str) -> Any:
    """A client for the Redis server at `url`; the test skips when it does not answer, or
    fails under REQUIRE_REDIS=1 (CI), where a missing server is a broken set-up."""
    import pytest
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        message = f"Redis at {url} does not answer ({exc}); {what} skipped"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(message.replace("skipped", "required by REQUIRE_REDIS=1"))
        pytest.skip(message)
    return client


def database_url_for_subprocess() -> str | None:
    """A DATABASE_URL naming the current test database, or None if no other process can open it.

    An in-memory SQLite database lives inside this process only; a file one
    (TEST_DATABASE_NAME) and PostgreSQL can be shared with a worker the test starts. Under
    pytest-xdist the connection already names this worker's own database (suffix _gwN).
    """
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(db["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            return None
        return f"sqlite:///{Path(name).resolve()}"
    auth = (db.get("USER") or "postgres") + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"
