"""The load generator: asyncio + httpx, a closed loop of N concurrent clients.

It only needs a base URL and paths, so the same scenario can be pointed at any server that
speaks FastOpp's paths (this project, or FastOpp itself).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import httpx


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class Throughput:
    requests: int
    seconds: float
    latencies_ms: list[float] = field(repr=False)
    errors: Counter[str]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "rps": round(self.rps, 1),
            "p50_ms": round(percentile(self.latencies_ms, 0.50), 2),
            "p99_ms": round(percentile(self.latencies_ms, 0.99), 2),
            "requests": self.requests,
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
        }


async def closed_loop(
    base: str,
    path: str,
    *,
    concurrency: int,
    seconds: float,
    headers: dict[str, str] | None = None,
    stop: asyncio.Event | None = None,
) -> Throughput:
    """Each of ``concurrency`` clients sends its next request as soon as the last one ends.

    This loop uses aiohttp, not httpx: on this 2-core machine httpx's client tops out at
    about 680 requests/s against a server that answers instantly, aiohttp at about 6,500,
    and the pages being measured are expected to serve more than 1,000.
    """
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(
        base_url=base, connector=connector, timeout=timeout, headers=headers
    ) as session:
        deadline = time.perf_counter() + seconds

        async def one_client() -> None:
            while time.perf_counter() < deadline and not (stop and stop.is_set()):
                started = time.perf_counter()
                try:
                    async with session.get(path) as response:
                        await response.read()
                        if response.status != 200:
                            errors[f"HTTP {response.status}"] += 1
                            continue
                except (aiohttp.ClientError, TimeoutError) as exc:
                    errors[type(exc).__name__] += 1
                    continue
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return Throughput(len(latencies), elapsed, latencies, errors)


@dataclass
class Chat:
    ok: bool
    ttft: float  # seconds to the first token (the whole answer, for non-streamed modes)
    total: float
    error: str = ""


@dataclass
class FanOut:
    concurrency: int
    wall: float
    chats: list[Chat]
    peak_memory_mb: float = 0.0

    def summary(self) -> dict[str, Any]:
        good = [chat for chat in self.chats if chat.ok]
        ttfts = [chat.ttft for chat in good]
        totals = [chat.total for chat in good]
        return {
            "concurrency": self.concurrency,
            "completed": len(good),
            "errors": len(self.chats) - len(good),
            "error_kinds": dict(Counter(chat.error for chat in self.chats if not chat.ok)),
            "wall_s": round(self.wall, 3),
            "ttft_p50_s": round(statistics.median(ttfts), 4) if ttfts else None,
            "ttft_p99_s": round(percentile(ttfts, 0.99), 4) if ttfts else None,
            "total_p99_s": round(percentile(totals, 0.99), 4) if totals else None,
            "peak_memory_mb": round(self.peak_memory_mb, 1),
        }


async def _stream_chat(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> Chat:
    """Read an SSE answer: the app's `event: delta` lines, or OpenAI's `data:` chunks."""
    started = time.perf_counter()
    ttft = 0.0
    async with client.stream("POST", path, json=body) as response:
        if response.status_code != 200:
            return Chat(False, 0.0, 0.0, f"HTTP {response.status_code}")
        async for line in response.aiter_lines():
            if not ttft and (line.startswith("event: delta") or '"content"' in line):
                ttft = time.perf_counter() - started
            if line.startswith("event: error"):
                return Chat(False, ttft, time.perf_counter() - started, "error event")
            if line.startswith("event: done") or line == "data: [DONE]":
                return Chat(True, ttft, time.perf_counter() - started)
    return Chat(False, ttft, time.perf_counter() - started, "no end of stream")


async def _whole_answer(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> Chat:
    started = time.perf_counter()
    response = await client.post(path, json=body)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        return Chat(False, 0.0, elapsed, f"HTTP {response.status_code}")
    return Chat(True, elapsed, elapsed)


async def _queued_answer(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], poll: float, deadline: float
) -> Chat:
    """POST the question, then poll the task until the worker has the answer."""
    started = time.perf_counter()
    response = await client.post(path, json=body)
    if response.status_code != 202:
        return Chat(False, 0.0, 0.0, f"HTTP {response.status_code}")
    task_id = response.json()["task_id"]
    while time.perf_counter() < deadline:
        await asyncio.sleep(poll)
        status = (await client.get(f"/api/tasks/{task_id}")).json().get("status")
        if status == "SUCCESSFUL":
            elapsed = time.perf_counter() - started
            return Chat(True, elapsed, elapsed)
        if status == "FAILED":
            return Chat(False, 0.0, time.perf_counter() - started, "task failed")
    return Chat(False, 0.0, time.perf_counter() - started, "not answered in time")


async def fan_out(
    base: str,
    *,
    mode: str,
    concurrency: int,
    token: str = "",
    limit_seconds: float = 60.0,
    memory_probe: Any = None,
) -> FanOut:
    """``concurrency`` chats at once, each on its own connection as separate browsers would.

    One client serves them all, with a connection per chat: a client per chat would spend
    the load generator's CPU on setting up clients (TLS contexts, pools), not on the chats.

    Modes: ``stream`` (POST /api/chat/stream), ``complete`` (POST /api/chat, the async
    view that answers in one response), ``blocking`` (the sync view in /bench/),
    ``queued`` (POST /api/chat/queued, then poll), ``upstream`` (the LLM server itself,
    the baseline every other mode is compared with).
    """
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    deadline = time.perf_counter() + limit_seconds
    peak = 0.0

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    client = httpx.AsyncClient(base_url=base, timeout=limit_seconds, headers=headers, limits=limits)

    async def one(index: int) -> Chat:
        body: dict[str, Any] = {"message": f"benchmark message {index}"}
        try:
            if mode == "stream":
                return await _stream_chat(client, "/api/chat/stream", body)
            if mode == "upstream":
                message = {"role": "user", "content": body["message"]}
                upstream = {"model": "fake/model", "stream": True, "messages": [message]}
                return await _stream_chat(client, "/v1/chat/completions", upstream)
            if mode == "blocking":
                return await _whole_answer(client, "/bench/chat-blocking", body)
            if mode == "complete":
                return await _whole_answer(client, "/api/chat", body)
            return await _queued_answer(client, "/api/chat/queued", body, 0.25, deadline)
        except httpx.HTTPError as exc:
            return Chat(False, 0.0, 0.0, type(exc).__name__)

    async def sample_memory(done: asyncio.Event) -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, memory_probe())
            await asyncio.sleep(0.2)

    done = asyncio.Event()
    sampler = asyncio.create_task(sample_memory(done)) if memory_probe else None
    started = time.perf_counter()
    async with client:
        chats = await asyncio.gather(*(one(i) for i in range(concurrency)))
    wall = time.perf_counter() - started
    done.set()
    if sampler:
        await sampler
    return FanOut(concurrency, wall, list(chats), peak)
