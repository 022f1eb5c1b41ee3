"""fastopp_site.handler: Django's guarantees kept, the idle thread hops gone.

The handler is driven directly with asgiref's ApplicationCommunicator, as Django's own
tests drive theirs, with the views below as the URLconf and no middleware (the handler's
hops only), except where the project's middleware is named.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from asgiref.sync import SyncToAsync, ThreadSensitiveContext
from asgiref.testing import ApplicationCommunicator
from django.core import signals
from django.core.handlers.asgi import ASGIHandler as DjangoASGIHandler
from django.db import connection, connections
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import path

from fastopp_site.handler import ASGIHandler

TIMEOUT = 10  # seconds; only so that a broken handler fails instead of hanging


@dataclass
class Probe:
    """What the views below saw, reset for each test."""

    view_threads: list[int] = field(default_factory=list)
    started: asyncio.Event = field(default_factory=asyncio.Event)
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    cancelled: int = 0
    stream_closed: int = 0
    responses: list[Any] = field(default_factory=list)


probe = Probe()


async def async_plain(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def sync_db(request: HttpRequest) -> JsonResponse:
    probe.view_threads.append(threading.get_ident())
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (value,) = cursor.fetchone()
    return JsonResponse({"value": value})


async def async_reads_vendor(request: HttpRequest) -> JsonResponse:
    # Creates this task's connection wrapper in the event loop, without connecting.
    return JsonResponse({"vendor": connection.vendor})


async def async_forever(request: HttpRequest) -> HttpResponse:
    probe.started.set()
    try:
        await asyncio.Event().wait()
    except asyncio.CancelledError:
        probe.cancelled += 1
        raise
    return HttpResponse("never")


async def async_stream(request: HttpRequest) -> StreamingHttpResponse:
    async def events() -> AsyncIterator[bytes]:
        try:
            yield b"data: one\n\n"
            await probe.gate.wait()
            yield b"data: two\n\n"
        finally:
            probe.stream_closed += 1

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    probe.responses.append(response)
    return response


urlpatterns = [
    path("plain", async_plain),
    path("db", sync_db),
    path("vendor", async_reads_vendor),
    path("forever", async_forever),
    path("stream", async_stream),
]


@pytest.fixture(autouse=True)
def handler_settings(settings: Any) -> None:
    global probe
    probe = Probe()
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = []


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the functions sent through sync_to_async, in order."""
    calls: list[str] = []
    original = SyncToAsync.__call__

    async def counting(self: SyncToAsync[Any, Any], *args: Any, **kwargs: Any) -> Any:
        calls.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counting)
    return calls


def http_scope(path: str, method: str = "GET") -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 12345),
        "server": ("testserver", 80),
    }


async def fetch(app: Any, path: str) -> tuple[int, bytes]:
    communicator = ApplicationCommunicator(app, http_scope(path))
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(TIMEOUT)
    assert start["type"] == "http.response.start"
    body = b""
    while True:
        message = await communicator.receive_output(TIMEOUT)
        body += message.get("body", b"")
        if not message.get("more_body", False):
            break
    await communicator.wait(TIMEOUT)
    return start["status"], body


async def test_async_view_without_the_database_makes_no_hop(hops: list[str]) -> None:
    status, body = await fetch(ASGIHandler(), "/plain")

    assert (status, body) == (200, b'{"status": "ok"}')
    assert hops == []


async def test_async_view_reading_an_unconnected_wrapper_makes_no_hop(hops: list[str]) -> None:
    status, body = await fetch(ASGIHandler(), "/vendor")

    assert (status, body) == (200, f'{{"vendor": "{connections["default"].vendor}"}}'.encode())
    assert hops == []


async def test_django_handler_makes_two_hops_for_the_same_view(hops: list[str]) -> None:
    # The baseline the first test improves on: request_started's receivers, response.close.
    await fetch(DjangoASGIHandler(), "/plain")

    assert len(hops) == 2


async def test_an_outer_thread_sensitive_context_keeps_djangos_hops(hops: list[str]) -> None:
    # The outer context may run several requests' sync code in one long-lived thread,
    # where request_started's receivers have connections to look at.
    handler = ASGIHandler()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        async with ThreadSensitiveContext():
            await handler(scope, receive, send)

    await fetch(app, "/plain")

    assert hops == ["Signal.asend.<locals>.sync_send", "HttpResponseBase.close"]


async def test_healthz_through_the_project_middleware_makes_no_hop(
    settings: Any, hops: list[str]
) -> None:

    from fastopp_site.settings import MIDDLEWARE, ROOT_URLCONF

    settings.MIDDLEWARE = MIDDLEWARE
    settings.ROOT_URLCONF = ROOT_URLCONF
    status, _ = await fetch(ASGIHandler(), "/healthz")

    assert status == 200
    assert hops == []


@dataclass
class ConnectionLog:
    opened: list[tuple[int, int]] = field(default_factory=list)  # (thread, id of the wrapper)
    closed: list[tuple[int, int]] = field(default_factory=list)
    wrappers: list[Any] = field(default_factory=list)


@pytest.fixture
def connection_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[ConnectionLog]:
    """Connections opened and closed, with their threads; request threads really close.

    On SQLite the test database is in memory, whose wrapper ignores close() (it would drop
    the database). Outside the main thread (which keeps the database alive) it closes.
    PostgreSQL's wrapper always closes."""
    log = ConnectionLog()
    main = threading.get_ident()
    wrapper_class: Any = type(connections["default"])
    original_close = wrapper_class.close

    def opened(sender: Any, connection: Any, **kwargs: Any) -> None:
        log.opened.append((threading.get_ident(), id(connection)))
        log.wrappers.append(connection)

    def close(self: Any) -> None:
        log.closed.append((threading.get_ident(), id(self)))
        original_close(self)

    monkeypatch.setattr(wrapper_class, "close", close)
    if hasattr(wrapper_class, "is_in_memory_db"):  # SQLite's
        original_in_memory = wrapper_class.is_in_memory_db

        def in_memory(self: Any) -> bool:
            return threading.get_ident() == main and original_in_memory(self)

        monkeypatch.setattr(wrapper_class, "is_in_memory_db", in_memory)
    connection_created.connect(opened, dispatch_uid="test_handler_connection_log")
    yield log
    connection_created.disconnect(dispatch_uid="test_handler_connection_log")


@pytest.mark.django_db(transaction=True)
async def test_sync_view_connection_is_closed_in_the_thread_that_opened_it(
    connection_log: ConnectionLog, hops: list[str]
) -> None:
    status, body = await fetch(ASGIHandler(), "/db")

    assert (status, body) == (200, b'{"value": 1}')
    (view_thread,) = probe.view_threads
    assert view_thread != threading.get_ident()
    assert connection_log.opened == [(view_thread, id(connection_log.wrappers[0]))]
    assert (view_thread, id(connection_log.wrappers[0])) in connection_log.closed
    assert {thread for thread, _ in connection_log.closed} == {view_thread}
    assert connection_log.wrappers[0].connection is None
    # The view's own hop and the close's; Django also hops for request_started.
    assert len(hops) == 2


@pytest.mark.django_db(transaction=True)
async def test_two_requests_each_close_their_own_connection(
    connection_log: ConnectionLog,
) -> None:
    handler = ASGIHandler()
    await fetch(handler, "/db")
    await fetch(handler, "/db")

    assert len(connection_log.opened) == 2
    assert set(connection_log.opened) <= set(connection_log.closed)
    assert all(wrapper.connection is None for wrapper in connection_log.wrappers)


@pytest.mark.django_db(transaction=True)
async def test_health_probe_closes_its_connection_in_its_thread(
    settings: Any, connection_log: ConnectionLog
) -> None:
    from fastopp_site.settings import MIDDLEWARE, ROOT_URLCONF

    settings.MIDDLEWARE = MIDDLEWARE
    settings.ROOT_URLCONF = ROOT_URLCONF
    status, _ = await fetch(ASGIHandler(), "/health")

    assert status in (200, 503)  # the report's verdict does not matter here
    assert connection_log.opened
    opened_threads = {thread for thread, _ in connection_log.opened}
    assert threading.get_ident() not in opened_threads
    assert set(connection_log.opened) <= set(connection_log.closed)
    assert {thread for thread, _ in connection_log.closed} <= opened_threads
    assert all(wrapper.connection is None for wrapper in connection_log.wrappers)


async def test_user_request_finished_receiver_runs_once_per_request(hops: list[str]) -> None:
    calls: list[int] = []

    def finished(sender: Any, **kwargs: Any) -> None:
        calls.append(threading.get_ident())

    signals.request_finished.connect(finished, dispatch_uid="test_handler_finished")
    try:
        handler = ASGIHandler()
        await fetch(handler, "/plain")
        assert len(calls) == 1
        await fetch(handler, "/plain")
        assert len(calls) == 2
    finally:
        signals.request_finished.disconnect(dispatch_uid="test_handler_finished")
    # A receiver the handler does not know may block: it runs in a thread, as in Django.
    assert threading.get_ident() not in calls
    assert hops.count("HttpResponseBase.close") == 2


async def test_user_request_started_receiver_runs_in_a_thread() -> None:
    calls: list[int] = []

    def started(sender: Any, **kwargs: Any) -> None:
        calls.append(threading.get_ident())

    signals.request_started.connect(started, dispatch_uid="test_handler_started")
    try:
        await fetch(ASGIHandler(), "/plain")
    finally:
        signals.request_started.disconnect(dispatch_uid="test_handler_started")
    assert len(calls) == 1
    assert calls[0] != threading.get_ident()


async def test_async_request_finished_receiver_is_awaited() -> None:
    calls: list[str] = []

    async def finished(sender: Any, **kwargs: Any) -> None:
        calls.append("finished")

    signals.request_finished.connect(finished, dispatch_uid="test_handler_async_finished")
    try:
        await fetch(ASGIHandler(), "/plain")
    finally:
        signals.request_finished.disconnect(dispatch_uid="test_handler_async_finished")
    assert calls == ["finished"]


async def test_client_disconnect_cancels_the_view() -> None:
    finished: list[int] = []

    def on_finished(sender: Any, **kwargs: Any) -> None:
        finished.append(1)

    signals.request_finished.connect(on_finished, dispatch_uid="test_handler_disconnect")
    try:
        communicator = ApplicationCommunicator(ASGIHandler(), http_scope("/forever"))
        await communicator.send_input({"type": "http.request", "body": b""})
        await asyncio.wait_for(probe.started.wait(), TIMEOUT)
        await communicator.send_input({"type": "http.disconnect"})
        await communicator.wait(TIMEOUT)
    finally:
        signals.request_finished.disconnect(dispatch_uid="test_handler_disconnect")

    assert probe.cancelled == 1
    assert finished == [1]
    assert await communicator.receive_nothing()


async def test_streamed_response_streams_incrementally_and_is_closed() -> None:
    communicator = ApplicationCommunicator(ASGIHandler(), http_scope("/stream"))
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(TIMEOUT)
    assert start["status"] == 200

    first = await communicator.receive_output(TIMEOUT)
    # The second event waits for the gate: the first arrived on its own.
    assert first == {"type": "http.response.body", "body": b"data: one\n\n", "more_body": True}
    (response,) = probe.responses
    assert not response.closed

    probe.gate.set()
    second = await communicator.receive_output(TIMEOUT)
    assert second["body"] == b"data: two\n\n"
    end = await communicator.receive_output(TIMEOUT)
    assert end == {"type": "http.response.body"}
    await communicator.wait(TIMEOUT)

    assert probe.stream_closed == 1
    assert response.closed


async def _production_request(settings: Any, path: str) -> ApplicationCommunicator:
    """A GET of `path` as the platform's proxy sends it, to the project's URLs, started."""
    from fastopp_site.settings import ROOT_URLCONF
    from fastopp_site.tests.production import PUBLIC_HOST

    settings.ROOT_URLCONF = ROOT_URLCONF
    settings.WHITENOISE_AUTOREFRESH = False  # production's value (DEBUG is off there)
    scope = {**http_scope(path), "scheme": "https", "headers": [(b"host", PUBLIC_HOST.encode())]}
    communicator = ApplicationCommunicator(ASGIHandler(), scope)
    await communicator.send_input({"type": "http.request", "body": b""})
    return communicator


async def test_static_file_in_production_is_read_off_the_event_loop_only(
    production: Any, settings: Any, hops: list[str]
) -> None:
    (production / "hello.txt").write_text("hello")
    settings.WHITENOISE_USE_FINDERS = False
    communicator = await _production_request(settings, "/static/hello.txt")
    start = await communicator.receive_output(TIMEOUT)
    body = await communicator.receive_output(TIMEOUT)
    await communicator.wait(TIMEOUT)

    assert (start["status"], body["body"]) == (200, b"hello")
    # AsyncWhiteNoiseMiddleware reads the file in the shared pool; nothing else hops.
    assert hops == ["_read_static"]


def test_asgi_application_uses_this_handler() -> None:
    from fastopp_site import asgi

    assert type(asgi.django_application) is ASGIHandler


# Django's ASGIHandler.handle as fastopp_site.handler copies it (Django 5.2.19).
DJANGO_HANDLE_SHA256 = "98faeb5bef800331e6a8002fbc96b30e4122a23438ae45a047190a531ea11323"


def test_django_handle_is_the_one_the_handler_copies() -> None:
    """When Django changes ASGIHandler.handle, re-read it against handler._handle (which
    copies it), port the change, and update the digest here."""
    source = inspect.getsource(DjangoASGIHandler.handle)
    assert hashlib.sha256(source.encode()).hexdigest() == DJANGO_HANDLE_SHA256


@pytest.mark.django_db(transaction=True)
async def test_home_page_in_production_hops_only_for_its_sync_view(
    production: Any, settings: Any, hops: list[str]
) -> None:
    communicator = await _production_request(settings, "/")
    start = await communicator.receive_output(TIMEOUT)
    await communicator.wait(TIMEOUT)

    assert start["status"] == 200
    # Django's handler adds request_started's receivers and response.close.
    assert hops == ["home"]
