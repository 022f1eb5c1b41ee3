"""Fixtures shared by every app's tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.cache import cache
from django.db import connections

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


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
    # Rolled-back test data must not live on in the process's cache (catalog reads).
    cache.clear()


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


def chromium_path() -> str | None:
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Headless Chromium through Playwright; nothing is downloaded at run time.

    Function-scoped on purpose: Playwright's sync API keeps an event loop running in this
    thread while it is open, which would break every async test that runs after it.
    """
    executable = chromium_path()
    if executable is None:
        message = "Chromium not installed (apt-get install chromium); browser test skipped."
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message.replace("skipped", "required by REQUIRE_BROWSER=1"))
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM would refuse
    # to run beside it without this flag (the test itself is still synchronous).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def staff_user(db: None) -> Any:
    from accounts.tests.factories import StaffFactory

    return StaffFactory.create()


@pytest.fixture
def superuser(db: None) -> Any:
    from accounts.tests.factories import SuperuserFactory

    return SuperuserFactory.create()


@pytest.fixture
def asgi_live_server(transactional_db: None) -> Iterator[str]:
    """The project's ASGI app on uvicorn, on a free loopback port; yields the base URL.

    pytest-django's `live_server` is WSGI, which buffers streamed responses. This one
    streams. It runs in a thread with its own event loop and uses the test database
    (SQLite's in-memory test database is shared-cache, so the server's threads see it).
    """
    import socket
    import threading
    import time

    import uvicorn

    from fastopp_site.asgi import application

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            application,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=5,
        )
    )
    thread = threading.Thread(target=server.run, name="asgi-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            raise RuntimeError("the ASGI live server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
