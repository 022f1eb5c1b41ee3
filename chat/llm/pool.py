"""The httpx client the backends send with: one pooled client per running event loop.

An httpx.AsyncClient belongs to the event loop that first used it, and Django has no ASGI
lifespan hook to create one at start-up: keep one client per loop, created on first use.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar

import httpx

_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary()
)
_scoped: ContextVar[httpx.AsyncClient | None] = ContextVar("chat_llm_scoped_client", default=None)


def loop_client_get() -> httpx.AsyncClient:
    scoped = _scoped.get()
    if scoped is not None:
        return scoped
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None or client.is_closed:
        client = httpx.AsyncClient(
            limits=httpx.Limits(max_connections=500, max_keepalive_connections=50)
        )
        _clients[loop] = client
    return client


@asynccontextmanager
async def scoped_client() -> AsyncIterator[httpx.AsyncClient]:
    """A client of its own for the calls inside, closed at the end.

    For ``async_to_sync`` callers: each call may get a fresh event loop that ends with it
    (a pooled client would outlive it), or may run on the server's loop (whose pooled
    client other requests are using, so it must not be closed).
    """
    async with httpx.AsyncClient() as client:
        token = _scoped.set(client)
        try:
            yield client
        finally:
            _scoped.reset(token)
