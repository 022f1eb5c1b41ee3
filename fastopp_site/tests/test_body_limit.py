"""The ASGI guard answers 413 before Django reads an oversized body."""

from __future__ import annotations

from typing import Any

from fastopp_site.body_limit import BodySizeLimit


class RecordingApp:
    def __init__(self) -> None:
        self.called = False
        self.received = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.called = True
        more = True
        while more:
            message = await receive()
            self.received += len(message.get("body", b""))
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


async def call(app: Any, headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> list[Any]:
    sent: list[Any] = []
    queue = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    pulled = 0

    async def receive() -> Any:
        nonlocal pulled
        pulled += 1
        return queue.pop(0)

    async def send(message: Any) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
    await app(scope, receive, send)
    sent.append({"pulled": pulled})
    return sent


async def test_declared_oversize_is_refused_without_reading() -> None:
    inner = RecordingApp()
    sent = await call(BodySizeLimit(inner, max_bytes=100), [(b"content-length", b"5000")], [b"x"])
    assert sent[0]["status"] == 413
    assert b"too large" in sent[1]["body"]
    assert not inner.called
    assert sent[-1]["pulled"] == 0


async def test_undeclared_oversize_is_cut_off_while_streaming() -> None:
    inner = RecordingApp()
    chunks = [b"x" * 60] * 50
    sent = await call(BodySizeLimit(inner, max_bytes=100), [], chunks)
    assert sent[0]["status"] == 413
    # Stopped after the chunk that crossed the cap, not after all 3000 bytes.
    assert sent[-1]["pulled"] == 2


async def test_small_bodies_pass_through() -> None:
    inner = RecordingApp()
    sent = await call(
        BodySizeLimit(inner, max_bytes=100), [(b"content-length", b"10")], [b"0123456789"]
    )
    assert sent[0]["status"] == 200
    assert inner.received == 10
