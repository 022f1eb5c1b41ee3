"""Django's ASGI handler without the thread hops that do nothing.

Django 5.2's ``ASGIHandler.handle`` makes two trips from the event loop to a thread for
every request, even for an async view: ``request_started`` is sent with ``asend``, whose
sync receivers run behind one ``sync_to_async``, and the response is closed with
``await sync_to_async(response.close)()`` (``close`` sends ``request_finished``). Each trip
costs about 0.13-0.4 ms of CPU here, and the first one creates the request's thread
(asgiref's ``ThreadSensitiveContext`` gives each request a new one-thread executor on
first use, and joins it in yet another thread when the request ends).

This subclass overrides ``handle`` only, with Django's code (django/core/handlers/asgi.py,
5.2) except for those three calls; a test pins the digest of Django's method, so that an
upgrade that changes it fails until the copy is re-read. Each call is run directly in the
event loop when that provably does what Django's thread would do, and goes through
Django's own call otherwise:

``request_started``
    Inline when its only receivers are Django's ``close_old_connections`` and
    ``reset_queries`` (sync), the request's async code holds no connected database
    connection, and the request's sync code gets a new thread (no outer
    ``ThreadSensitiveContext`` or ``async_to_sync`` lends it one). Both
    receivers act on the connections of the calling thread (of the calling task, in the
    event loop). In Django that thread is the request's new thread, which holds none, so
    they do nothing; inline they look at the request's task in the event loop, checked to
    hold none that is connected or has logged queries, so they do nothing either.

``response.close()`` and, for a cancelled view, ``request_finished``
    Inline when, in addition, no database connection was opened while handling this
    request (a ``connection_created`` receiver marks the request, in whatever thread its
    code connects), the receivers are only Django's ``close_old_connections``,
    ``close_caches`` and ``reset_urlconf``, every initialized cache's ``close`` is the base
    no-op, and the response has Django's own ``close`` method and no resource to close
    but its request without uploaded files (the request's ``close`` then closes the body's
    buffer, which Django's ``handle`` itself closes in the event loop). Then the request's
    thread holds no connection, so ``close_old_connections`` would do nothing there, as it
    does inline; ``close_caches`` calls no-op methods; ``reset_urlconf`` clears a context
    variable, which Django's hop copies back to this context anyway.

    When a connection was opened, the close goes through Django's ``sync_to_async``, so
    ``close_old_connections`` runs in the request's thread, the one that opened it
    (sqlite3 connections belong to their thread, and Django raises ``DatabaseError`` when
    a connection is closed from another).

Any other receiver, sync or async, connected now or later (checked on every request),
sends the signal Django's way, so its receivers run exactly as Django runs them: sync ones
in the request's thread, never in the event loop.

Not changed: the body is read, the view is run in its own task and cancelled when the
client disconnects (``listen_for_disconnect`` and ``asyncio.wait``), responses are sent
and streamed, and the close happens after the last byte of a streamed response, all by
Django's code. A sync view still runs in the request's thread (one hop): closing its
response in that thread right after the view would save the close's hop, but the
middleware after the view (a session save) may connect again in that thread, and
``request_finished`` must come after the response is sent.

Hops per request (tests/test_handler.py counts them), Django's handler -> this one: an
async view that touches no database (``/healthz``) 2 -> 0; a sync view that does not
(``/``) 3 -> 1; a sync view that queries 3 -> 2; a static file 3 -> 1 (read in the shared
pool, off the event loop). Still Django's: a response with status >= 400 is logged through
a ``sync_to_async`` of the base handler.

The signals' sender is this class, as with any subclass of Django's handler: a receiver
connected with ``sender=django.core.handlers.asgi.ASGIHandler`` does not hear it.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeAlias

import django
from asgiref.sync import AsyncToSync, SyncToAsync, sync_to_async
from django.core import signals
from django.core.cache import caches, close_caches
from django.core.cache.backends.base import BaseCache
from django.core.exceptions import RequestAborted
from django.core.handlers import asgi as django_asgi
from django.core.handlers.base import reset_urlconf
from django.db import close_old_connections, connections, reset_queries
from django.db.backends.signals import connection_created
from django.dispatch import Signal
from django.http import HttpResponseBase
from django.urls import set_script_prefix

Scope: TypeAlias = dict[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[Mapping[str, Any]]]
Send: TypeAlias = Callable[[Mapping[str, Any]], Awaitable[None]]

# Receivers known to do nothing (or only clear context-local state) when the conditions
# above hold. Anything else connected to the signal sends it Django's way.
INLINE_RECEIVERS: dict[Signal, frozenset[Callable[..., Any]]] = {
    signals.request_started: frozenset({close_old_connections, reset_queries}),
    signals.request_finished: frozenset({close_old_connections, close_caches, reset_urlconf}),
}

# The threads in which the current request's code opened database connections; None
# outside a request. A list, shared by the tasks and threads that copy the context.
_connections_opened: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "fastopp_connections_opened", default=None
)

# Whether this request's thread-sensitive code gets a thread of its own: Django's
# ThreadSensitiveContext is the outermost one. An outer context (a wrapper or server
# that enters one) may run several requests' sync code in one long-lived thread.
_own_thread: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "fastopp_own_thread", default=False
)


def _note_connection_opened(**kwargs: Any) -> None:
    opened = _connections_opened.get()
    if opened is not None:
        opened.append(threading.get_ident())


def get_asgi_application() -> ASGIHandler:
    """``django.core.asgi.get_asgi_application`` with this module's handler."""
    django.setup(set_prefix=False)
    return ASGIHandler()


class ASGIHandler(django_asgi.ASGIHandler):
    def __init__(self) -> None:
        super().__init__()
        connection_created.connect(
            _note_connection_opened, weak=False, dispatch_uid="fastopp_site.handler"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = _own_thread.set(SyncToAsync.thread_sensitive_context.get(None) is None)
        try:
            await super().__call__(scope, receive, send)
        finally:
            _own_thread.reset(token)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        opened: list[int] = []
        token = _connections_opened.set(opened)
        try:
            await self._handle(scope, receive, send, opened)
        finally:
            _connections_opened.reset(token)

    async def _handle(self, scope: Scope, receive: Receive, send: Send, opened: list[int]) -> None:
        # Django's ASGIHandler.handle; the three changed calls are marked "changed".
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(django_asgi.get_script_prefix(scope))
        await self._send_started(scope)  # changed
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            assert error_response is not None  # for mypy: create_request returns one of them
            body_file.close()
            await self.send_response(error_response, send)
            await self._close(error_response, opened)  # changed
            return

        async def process_request(request: Any, send: Send) -> HttpResponseBase:
            response = await self.run_get_response(request)
            with contextlib.suppress(asyncio.CancelledError):
                # Client disconnected during send_response (ignore exception).
                await self.send_response(response, send)
            return response

        # Try to catch a disconnect while getting response.
        tasks: list[asyncio.Task[Any]] = [
            asyncio.create_task(self.listen_for_disconnect(receive)),
            asyncio.create_task(process_request(request, send)),
        ]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            if task.done():
                try:
                    task.result()
                except RequestAborted:
                    pass
                except AssertionError:
                    body_file.close()
                    raise
            else:
                # Allow views to handle cancellation.
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

        try:
            response = tasks[1].result()
        except asyncio.CancelledError:
            await self._send_finished(opened)  # changed
        else:
            await self._close(response, opened)  # changed

        body_file.close()

    async def _send_started(self, scope: Scope) -> None:
        signal = signals.request_started
        receivers = _inline_receivers(signal, self.__class__)
        if receivers is None or not _loop_thread_clean():
            await signal.asend(sender=self.__class__, scope=scope)
            return
        for receiver in receivers:
            receiver(signal=signal, sender=self.__class__, scope=scope)

    async def _send_finished(self, opened: list[int]) -> None:
        signal = signals.request_finished
        receivers = _inline_receivers(signal, self.__class__)
        if receivers is None or opened or not _loop_thread_clean() or not _caches_close_noop():
            await signal.asend(sender=self.__class__)
            return
        for receiver in receivers:
            receiver(signal=signal, sender=self.__class__)

    async def _close(self, response: HttpResponseBase, opened: list[int]) -> None:
        if (
            opened
            or not _closers_trivial(response)
            or type(response).close is not HttpResponseBase.close
            or _inline_receivers(signals.request_finished, response._handler_class) is None  # type: ignore[attr-defined]
            or not _loop_thread_clean()
            or not _caches_close_noop()
        ):
            await sync_to_async(response.close)()
            return
        response.close()


def _inline_receivers(signal: Signal, sender: Any) -> Sequence[Callable[..., Any]] | None:
    """The signal's receivers for `sender` when all are known sync ones, else None."""
    # The same lookup asend() makes (weak references resolved, senders filtered).
    sync_receivers, async_receivers = signal._live_receivers(sender)
    allowed = INLINE_RECEIVERS[signal]
    if async_receivers or not all(receiver in allowed for receiver in sync_receivers):
        return None
    return sync_receivers


def _closers_trivial(response: HttpResponseBase) -> bool:
    """True when the response's only resource is its request, with no uploaded file.

    Django's base handler adds ``request.close`` to every response. Without uploaded files
    it only closes the body's buffer, which Django's ``handle`` also closes in the event
    loop (``body_file.close()``). Uploaded files in temporary files are removed from disk
    on close, so they, and any other resource, are closed in a thread as Django does."""
    for closer in response._resource_closers:  # type: ignore[attr-defined]
        request = getattr(closer, "__self__", None)
        if not (
            isinstance(request, django_asgi.ASGIRequest)
            and getattr(closer, "__func__", None) is django_asgi.ASGIRequest.close
            and not getattr(request, "_files", None)
        ):
            return False
    return True


def _loop_thread_clean() -> bool:
    """Nothing for Django's receivers to do in the event loop, and the request's sync code
    gets a new thread of its own.

    In the event loop, Django's connections are local to the task (asgiref's
    thread-critical Local), so these are the wrappers this request's async code touched:
    one that was never connected (``connection.vendor`` was read) leaves the receivers
    nothing to do. An outer ThreadSensitiveContext, or an outer async_to_sync (a sync
    caller running the app), would make sync_to_async run the request's sync code in a
    thread that may hold connections from before: then everything goes Django's way."""
    return (
        _own_thread.get()
        and getattr(AsyncToSync.executors, "current", None) is None
        and all(
            wrapper.connection is None and not wrapper.queries_log
            for wrapper in connections.all(initialized_only=True)
        )
    )


def _caches_close_noop() -> bool:
    return all(type(cache).close is BaseCache.close for cache in caches.all(initialized_only=True))
