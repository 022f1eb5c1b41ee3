"""The answer as Server-Sent Events: JSON `data` per event, a comment heartbeat on long waits.

Events: ``meta`` (conversation, model), ``delta`` (text piece, and every so often the
sanitised HTML of the answer so far), ``done`` (final sanitised HTML and markdown) or
``error`` (code and a message for the user), then ``data: [DONE]``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing, suppress
from typing import Any, Final

from asgiref.sync import sync_to_async
from django.db import close_old_connections
from django.http import StreamingHttpResponse

from chat.llm.backends.base import BaseLLMBackend
from chat.llm.errors import LLMError
from chat.models import Message
from chat.rendering import markdown_render
from chat.selectors import ChatPrincipal
from chat.services import ChatTurn, chat_turn_begin, chat_turn_finish

logger = logging.getLogger(__name__)
# Re-rendering the whole answer on every token costs O(n^2); a few times a second is enough.
RENDER_INTERVAL_SECONDS = 0.1
# Tokens that arrive closer together than this go to the browser as one event: one SSE
# event per token was most of a streamed chat's CPU (docs/COMPARISON.md, S1).
BATCH_SECONDS = 0.03
_END: Final = object()


def sse_event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


SSE_DONE = b"data: [DONE]\n\n"
SSE_HEARTBEAT = b": keep-alive\n\n"


async def _next_piece(pieces: AsyncIterator[str]) -> object:
    try:
        return await anext(pieces)
    except StopAsyncIteration:
        return _END


async def batched_with_heartbeats(
    pieces: AsyncGenerator[str, None], *, window: float, interval: float
) -> AsyncGenerator[list[str] | None, None]:
    """Yield the pieces in batches, and None whenever `interval` seconds pass without one.

    The first piece goes out at once (time to first token); later ones wait at most
    `window` seconds for company.
    """
    pending: asyncio.Task[object] | None = None
    batch: list[str] = []
    sent_at = -window
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(_next_piece(pieces))
            wait = sent_at + window - time.monotonic() if batch else interval
            done, _ = await asyncio.wait({pending}, timeout=max(0.0, wait))
            if not done:
                if batch:
                    yield batch
                    batch, sent_at = [], time.monotonic()
                else:
                    yield None
                continue
            piece, pending = pending.result(), None
            if piece is _END:
                if batch:
                    yield batch
                return
            assert isinstance(piece, str)
            batch.append(piece)
            if time.monotonic() - sent_at >= window:
                yield batch
                batch, sent_at = [], time.monotonic()
    finally:
        if pending is not None:
            pending.cancel()
            with suppress(BaseException):
                await pending
        await pieces.aclose()


def turn_begin_and_release(
    *, principal: ChatPrincipal, text: str, conversation_id: int | None
) -> ChatTurn:
    turn = chat_turn_begin(principal=principal, text=text, conversation_id=conversation_id)
    close_old_connections()  # the answer that follows may take minutes
    return turn


def turn_finish_and_release(**kwargs: Any) -> Message:
    message = chat_turn_finish(**kwargs)
    # No connection is held open while the next stream runs for minutes.
    close_old_connections()
    return message


async def chat_sse_events(
    *, turn: ChatTurn, backend: BaseLLMBackend, heartbeat: float
) -> AsyncIterator[bytes]:
    finish = sync_to_async(turn_finish_and_release)
    model = backend.model_label
    yield sse_event(
        "meta",
        {"conversation_id": turn.conversation_id, "model": model, "offline": backend.offline},
    )
    parts: list[str] = []
    last_render = 0.0
    try:
        source = backend.stream(messages=turn.history)
        batches = batched_with_heartbeats(source, window=BATCH_SECONDS, interval=heartbeat)
        async with aclosing(batches) as pieces:
            async for batch in pieces:
                if batch is None:
                    yield SSE_HEARTBEAT
                    continue
                piece = "".join(batch)
                parts.append(piece)
                payload: dict[str, Any] = {"text": piece}
                now = time.monotonic()
                if now - last_render >= RENDER_INTERVAL_SECONDS:
                    payload["html"] = markdown_render(text="".join(parts))
                    last_render = now
                yield sse_event("delta", payload)
    except LLMError as exc:
        logger.warning("chat stream failed: %s", exc)
        await finish(turn=turn, model=model, error=exc.code)
        yield sse_event("error", {"code": exc.code.value, "detail": exc.message})
        yield SSE_DONE
        return
    except (asyncio.CancelledError, GeneratorExit):
        # The browser left: the upstream is already closed by the generators above.
        # Shielded, so a second cancellation cannot lose what was already generated.
        await asyncio.shield(finish(turn=turn, model=model, text="".join(parts), interrupted=True))
        raise
    text = "".join(parts)
    message = await finish(turn=turn, model=model, text=text)
    yield sse_event(
        "done",
        {
            "response": markdown_render(text=text),
            "raw_response": text,
            "model": model,
            "offline": backend.offline,
            "conversation_id": turn.conversation_id,
            "message_id": message.pk,
        },
    )
    yield SSE_DONE


def chat_sse_response(
    *, turn: ChatTurn, backend: BaseLLMBackend, heartbeat: float
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        chat_sse_events(turn=turn, backend=backend, heartbeat=heartbeat),
        content_type="text/event-stream",
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx and some platforms' proxies buffer otherwise
    return response
