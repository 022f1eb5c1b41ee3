"""The fixtures shared by every app's tests and the benchmark's (root conftest.py loads this).

Real servers started here (the project on uvicorn, the fake LLM) bind ports the OS picks,
so parallel test workers (pytest-xdist) never collide.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import LazySettings

from devtools.fake_llm import DEFAULT_ANSWER, FakeLLMServer
from devtools.net import free_port, wait_until
from devtools.virtual_time import VirtualTimeLoop

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


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
def asgi_live_server(transactional_db: None) -> Iterator[str]:
    """The project's ASGI app on uvicorn, on a free loopback port; yields the base URL.

    pytest-django's `live_server` is WSGI, which buffers streamed responses. This one
    streams. It runs in a thread with its own event loop and uses the test database
    (SQLite's in-memory test database is shared-cache, so the server's threads see it).
    """
    import uvicorn

    from fastopp_site.asgi import application

    port = free_port()
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
    try:
        wait_until(
            lambda: server.started or not thread.is_alive(),
            what="the ASGI live server started",
            timeout=15,
            interval=0.02,
        )
        if not server.started:
            raise RuntimeError("the ASGI live server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="session")
def fake_llm_server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer(latency=0.0, tokens_per_second=500.0) as server:
        yield server


@pytest.fixture
def fake_llm(fake_llm_server: FakeLLMServer, settings: LazySettings) -> FakeLLMServer:
    """The local OpenAI-compatible server, wired in through settings, with fresh state."""
    app = fake_llm_server.app
    app.state.__init__()  # type: ignore[misc]
    app.latency, app.tokens_per_second, app.answer = 0.0, 500.0, DEFAULT_ANSWER
    settings.CHAT_BACKEND = ""  # the default: the real client, since a key is set
    settings.OPENROUTER_API_KEY = "test-key"
    settings.OPENROUTER_BASE_URL = fake_llm_server.base_url
    settings.OPENROUTER_LLM_MODEL = "fake/model"
    settings.CHAT_RETRIES = 0
    settings.CHAT_HEARTBEAT_SECONDS = 10.0
    return fake_llm_server


@pytest.fixture
def virtual_time_loop() -> Iterator[VirtualTimeLoop]:
    """An event loop whose clock only moves to the next timer (devtools.virtual_time)."""
    loop = VirtualTimeLoop()
    try:
        yield loop
    finally:
        loop.close()


# --- No secret in the log ------------------------------------------------------------


class SecretScan(logging.Filter):
    """Added after the console handler's own filters: sees each line as it would be written
    and notes any configured secret still in it (the test that logged it then fails)."""

    def __init__(self, handler: logging.Handler) -> None:
        super().__init__()
        self.handler = handler
        self.leaks: list[str] = []
        self.written = 0  # characters the console would have written during the test

    def filter(self, record: logging.LogRecord) -> bool:
        from core.redaction import secret_values, secrets_redact

        line = self.handler.format(record)
        self.written += len(line) + 1
        if any(value in line for value in secret_values()):
            self.leaks.append(f"{record.name}: {secrets_redact(text=line, limit=300)}")
        return True


def _console_scans() -> list[SecretScan]:
    """One scan per handler of the root logger (LOGGING's console), installed once."""
    scans = []
    for handler in logging.getLogger().handlers:
        if not isinstance(handler, logging.StreamHandler) or type(handler).__module__ != "logging":
            continue  # pytest's capture handlers are subclasses from _pytest
        scan = next((f for f in handler.filters if isinstance(f, SecretScan)), None)
        if scan is None:
            scan = SecretScan(handler)
            handler.addFilter(scan)
        scans.append(scan)
    return scans


@pytest.fixture(autouse=True)
def _no_secret_in_the_log() -> Iterator[None]:
    """Fails any test whose log output, as the console would write it, holds a secret of the
    settings in force when it was logged. Costs one extra format per written record."""
    scans = _console_scans()
    for scan in scans:
        scan.leaks.clear()
        scan.written = 0
    yield
    leaks = [leak for scan in scans for leak in scan.leaks]
    if leaks:
        pytest.fail("a secret reached the log:\n" + "\n".join(leaks), pytrace=False)


@pytest.fixture
def console_log_size() -> Callable[[], int]:
    """How many characters the console log has written so far in this test (the scan above
    sees every line as formatted): for tests that a refusal logs one line, not megabytes."""
    scans = _console_scans()
    return lambda: max((scan.written for scan in scans), default=0)
