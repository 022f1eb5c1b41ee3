"""Helpers shared by tests that start real processes (workers, servers)."""

from __future__ import annotations

from pathlib import Path

from django.db import connection


def database_url_for_subprocess() -> str | None:
    """A DATABASE_URL naming the current test database, or None if no other process can open it.

    An in-memory SQLite database lives inside this process only; a file one
    (TEST_DATABASE_NAME) and PostgreSQL can be shared with a worker the test starts.
    """
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(db["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            return None
        return f"sqlite:///{Path(name).resolve()}"
    auth = (db.get("USER") or "postgres") + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"
