"""One pooled httpx client per running event loop.

An httpx.AsyncClient belongs to the event loop that first used it, and Django has no ASGI
lifespan hook to create one at start-up: keep one client per loop, created on first use.
"""

from __future__ import annotations

import asyncio
import weakref

import httpx

_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary()
)


def loop_client_get() -> httpx.AsyncClient:
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None or client.is_closed:
        client = httpx.AsyncClient(
            limits=httpx.Limits(max_connections=500, max_keepalive_connections=50)
        )
        _clients[loop] = client
    return client


async def loop_client_close() -> None:
    """Close this loop's client, for a loop that ends after one call (``async_to_sync``)."""
    client = _clients.pop(asyncio.get_running_loop(), None)
    if client is not None:
        await client.aclose()
