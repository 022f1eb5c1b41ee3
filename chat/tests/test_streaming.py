"""Batching of upstream tokens into SSE events (chat.streaming.batched_with_heartbeats).

The windows are measured on a virtual clock (devtools.virtual_time): the schedule alone
decides which pieces travel together, however busy the machine is.
"""

from __future__ import annotations

import asyncio
import types
from collections.abc import AsyncGenerator

import pytest

from chat import streaming
from chat.streaming import batched_with_heartbeats
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
