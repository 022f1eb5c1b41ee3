"""Fixtures shared by every app's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.cache import caches
from django.db import connections

# Browser, live-server, fake-LLM and port fixtures, shared with the benchmark's tests.
pytest_plugins = ["devtools.pytest_plugin"]


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: LazySettings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads"), "base_url": "/uploads/"},
        },
    }
    # Rolled-back test data must not live on in the process's caches (catalog reads, the
    # health check's per-machine answers).
    for alias in caches:
        caches[alias].clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """pytest-django's test databases, with stray PostgreSQL sessions ended before the drop.

    Sync ORM calls made from async tests run in asgiref's executor thread, and code run
    beside Playwright's loop runs in another context; each opens its own connection that
    the test client never closes. PostgreSQL refuses to drop a database that still has
    sessions, so the test database would outlive the run.
    """
    yield
    with django_db_blocker.unblock():
        for alias in connections:
            connection = connections[alias]
            if connection.vendor != "postgresql":
                continue
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            connection.close()


@pytest.fixture
def staff_user(db: None) -> Any:
    from accounts.tests.factories import StaffFactory

    return StaffFactory.create()


@pytest.fixture
def superuser(db: None) -> Any:
    from accounts.tests.factories import SuperuserFactory

    return SuperuserFactory.create()
