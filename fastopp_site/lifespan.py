"""ASGI lifespan for the web process: what must happen before it exits.

Django answers no lifespan messages. uvicorn (under gunicorn) sends `lifespan.shutdown`
after its graceful shutdown and before it re-raises SIGTERM and dies, so no atexit
handler or `finally` runs in a worker: this is the one place a web process can still
finish work of its own, such as the task runner's current task (TASKS_BACKEND=thread).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from fastopp_site.body_limit import ASGIApp, Receive, Scope, Send

logger = logging.getLogger(__name__)


class Lifespan:
    def __init__(self, app: ASGIApp, *, on_shutdown: Sequence[Callable[[], None]]) -> None:
        self.app = app
        self.on_shutdown = on_shutdown

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                for callback in self.on_shutdown:
                    try:
                        # Blocking (a thread join): off the event loop.
                        await asyncio.to_thread(callback)
                    except Exception:
                        logger.exception("Shutdown step %s failed", callback.__name__)
                await send({"type": "lifespan.shutdown.complete"})
                return
