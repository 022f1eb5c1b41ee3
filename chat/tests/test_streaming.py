"""The answer as SSE events (chat.streaming): batching of upstream tokens, the event order.

Batching windows are measured on a virtual clock (devtools.virtual_time): the schedule
alone decides which pieces travel together, however busy the machine is.
"""

from __future__ import annotations

import asyncio
import types
from collections.abc import AsyncGenerator
from types import ModuleType

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from chat import streaming
from chat.llm.backends import llm_backend
from chat.llm.errors import ChatErrorCode, LLMError
from chat.models import Message
from chat.selectors import ChatPrincipal
from chat.streaming import batched_with_heartbeats, chat_sse_events, turn_begin_and_release
from chat.tests.helpers import parse_block
from devtools.virtual_time import VirtualTimeLoop


@pytest.fixture
def loop(virtual_time_loop: VirtualTimeLoop, monkeypatch: pytest.MonkeyPatch) -> VirtualTimeLoop:
    # The batcher reads time.monotonic; here it reads the loop's virtual clock instead.
    monkeypatch.setattr(streaming, "time", types.SimpleNamespace(monotonic=virtual_time_loop.time))
    return virtual_time_loop


async def _pieces(schedule: list[tuple[float, str]]) -> AsyncGenerator[str, None]:
    for delay, piece in schedule:
        await asyncio.sleep(delay)
        yield piece


async def _collect(schedule: list[tuple[float, str]], **kwargs: float) -> list[list[str] | None]:
    return [item async for item in batched_with_heartbeats(_pieces(schedule), **kwargs)]


def test_first_piece_alone_then_close_pieces_together(loop: VirtualTimeLoop) -> None:
    schedule = [(0.0, "a"), (0.001, "b"), (0.001, "c"), (0.001, "d")]
    batches = loop.run_until_complete(_collect(schedule, window=0.2, interval=5.0))
    assert batches == [["a"], ["b", "c", "d"]]


def test_pieces_further_apart_than_the_window_go_out_one_by_one(loop: VirtualTimeLoop) -> None:
    schedule = [(0.0, "a"), (0.06, "b"), (0.06, "c")]
    batches = loop.run_until_complete(_collect(schedule, window=0.02, interval=5.0))
    assert batches == [["a"], ["b"], ["c"]]


def test_pieces_inside_one_window_share_a_batch_and_the_next_window_starts_after_it(
    loop: VirtualTimeLoop,
) -> None:
    # b and c land within 50 ms of a's send; d comes 10 ms after that window closed.
    schedule = [(0.0, "a"), (0.01, "b"), (0.03, "c"), (0.02, "d")]
    batches = loop.run_until_complete(_collect(schedule, window=0.05, interval=5.0))
    assert batches == [["a"], ["b", "c"], ["d"]]


def test_a_held_piece_goes_out_when_the_window_ends_not_with_the_next_one(
    loop: VirtualTimeLoop,
) -> None:
    # "b" waits for company; "c" comes much later, so "b" must go out before "c" exists.
    produced: list[str] = []

    async def pieces() -> AsyncGenerator[str, None]:
        for delay, piece in [(0.0, "a"), (0.001, "b"), (0.5, "c")]:
            await asyncio.sleep(delay)
            produced.append(piece)
            yield piece

    async def watch() -> list[tuple[list[str] | None, list[str]]]:
        return [
            (item, list(produced))
            async for item in batched_with_heartbeats(pieces(), window=0.05, interval=5.0)
        ]

    seen = loop.run_until_complete(watch())
    assert [item for item, _ in seen] == [["a"], ["b"], ["c"]]
    assert "c" not in seen[1][1]


def test_silence_gives_heartbeats(loop: VirtualTimeLoop) -> None:
    schedule = [(0.0, "a"), (0.25, "b")]
    batches = loop.run_until_complete(_collect(schedule, window=0.01, interval=0.1))
    # a at 0; heartbeats at 0.1 and 0.2 of silence; b at 0.25.
    assert batches == [["a"], None, None, ["b"]]


@pytest.mark.django_db(transaction=True)
async def test_a_failure_after_some_text_ends_with_the_error_and_stores_no_fragment(
    locmem_llm: ModuleType,
) -> None:
    locmem_llm.replies.append(["Half ", "an ", LLMError(ChatErrorCode.STREAM_ERROR, "cut")])
    principal = ChatPrincipal(user_id=None, session_key="s", ip="10.0.0.1")
    turn = await sync_to_async(turn_begin_and_release)(
        principal=principal, text="hello", conversation_id=None
    )
    try:
        chunks = [
            chunk
            async for chunk in chat_sse_events(turn=turn, backend=llm_backend(), heartbeat=10.0)
        ]
        events = [parse_block(chunk.decode().strip()) for chunk in chunks]
        answer = await Message.objects.aget(role="assistant")
    finally:
        await sync_to_async(connections.close_all)()

    assert [name for name, _ in events] == ["meta", "delta", "error", "message"]
    assert events[0][1]["model"] == "locmem"
    assert events[1][1]["text"] == "Half "  # the first piece goes out alone
    assert events[2][1] == {
        "code": "stream_error",
        "detail": ChatErrorCode.STREAM_ERROR.user_message,
    }
    assert (answer.status, answer.error_code, answer.content) == ("error", "stream_error", "")
