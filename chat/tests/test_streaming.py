"""Batching of upstream tokens into SSE events (chat.streaming.batched_with_heartbeats)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

from chat.streaming import batched_with_heartbeats


async def _pieces(schedule: list[tuple[float, str]]) -> AsyncGenerator[str, None]:
    for delay, piece in schedule:
        await asyncio.sleep(delay)
        yield piece


async def _collect(schedule: list[tuple[float, str]], **kwargs: float) -> list[list[str] | None]:
    return [item async for item in batched_with_heartbeats(_pieces(schedule), **kwargs)]


async def test_first_piece_alone_then_close_pieces_together() -> None:
    schedule = [(0.0, "a"), (0.001, "b"), (0.001, "c"), (0.001, "d")]
    batches = await _collect(schedule, window=0.2, interval=5.0)
    assert batches == [["a"], ["b", "c", "d"]]


async def test_pieces_further_apart_than_the_window_go_out_one_by_one() -> None:
    schedule = [(0.0, "a"), (0.06, "b"), (0.06, "c")]
    assert await _collect(schedule, window=0.02, interval=5.0) == [["a"], ["b"], ["c"]]


async def test_a_held_piece_goes_out_when_the_window_ends_not_with_the_next_one() -> None:
    # "b" waits for company; "c" comes much later, so "b" must go out before "c" exists.
    produced: list[str] = []

    async def pieces() -> AsyncGenerator[str, None]:
        for delay, piece in [(0.0, "a"), (0.001, "b"), (0.5, "c")]:
            await asyncio.sleep(delay)
            produced.append(piece)
            yield piece

    seen: list[tuple[list[str] | None, list[str]]] = []
    async for item in batched_with_heartbeats(pieces(), window=0.05, interval=5.0):
        seen.append((item, list(produced)))
    assert [item for item, _ in seen] == [["a"], ["b"], ["c"]]
    assert "c" not in seen[1][1]


async def test_silence_gives_heartbeats() -> None:
    schedule = [(0.0, "a"), (0.25, "b")]
    batches = await _collect(schedule, window=0.01, interval=0.1)
    assert batches[0] == ["a"]
    assert batches[-1] == ["b"]
    assert None in batches[1:-1]
