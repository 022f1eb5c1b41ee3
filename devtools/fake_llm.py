"""A local server that speaks OpenAI's chat-completions protocol, with faults on demand.

Tests and benchmarks talk to it over loopback instead of paying for a real model::

    python -m devtools.fake_llm --port 8765 --latency 2 --tokens-per-second 50

Faults are chosen per request through the model name (or an ``X-Fake-Fault`` header):

=====================  =========================================================
``fault/401``          401, bad key
``fault/404``          404, unknown model
``fault/429``          429 with Retry-After
``fault/500``          500
``fault/500-echo``     500 whose body repeats the request's headers, Authorization too
``fault/503``          503
``fault/503-once``     503 on the first request for this model, then a normal answer
``fault/stall``        200 and headers, then no bytes until the client leaves
``fault/garbled``      a few tokens, then a line that is not JSON
``fault/error-mid``    a few tokens, then an OpenRouter-style error event (still HTTP 200)
``fault/truncated``    a few tokens, then the connection closes without ``[DONE]``
``echo``               the answer is the last user message, verbatim (XSS tests)
=====================  =========================================================

It is a raw ASGI app on uvicorn: hundreds of concurrent streams cost a few coroutines.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import uvicorn

from devtools.net import free_port, wait_until

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

DEFAULT_ANSWER = (
    "Here is a **short** answer from the fake model. It streams one word at a time, "
    "like a real model would, and ends with a list:\n\n- one\n- two\n- three\n"
)
FAULT_PREFIX = "fault/"
HEARTBEAT_SECONDS = 0.5
MODELS = ["fake/model", "echo", *(f"fault/{name}" for name in (
    "401", "404", "429", "500", "500-echo", "503", "503-once", "stall", "garbled", "error-mid",
    "truncated",
))]  # fmt: skip


class _Disconnected(Exception):
    pass


@dataclass
class FakeLLMState:
    """What the server saw; tests read it to check what the client did."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    disconnects: int = 0
    completed_streams: int = 0
    seen_models: dict[str, int] = field(default_factory=dict)

    @property
    def last_request(self) -> dict[str, Any]:
        return self.requests[-1]


class FakeLLMApp:
    def __init__(
        self,
        *,
        latency: float = 0.0,
        tokens_per_second: float = 50.0,
        answer: str = DEFAULT_ANSWER,
        api_key: str | None = None,
    ) -> None:
        self.latency = latency
        self.tokens_per_second = tokens_per_second
        self.answer = answer
        self.api_key = api_key
        self.state = FakeLLMState()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        path, method = scope["path"], scope["method"]
        if method == "GET" and path.endswith("/models"):
            await _json(send, 200, {"object": "list", "data": [{"id": m} for m in MODELS]})
        elif method == "POST" and path.endswith("/chat/completions"):
            await self._completions(scope, receive, send)
        else:
            await _json(send, 404, {"error": {"message": "not found", "code": 404}})

    async def _completions(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = b""
        while True:
            message = await receive()
            raw += message.get("body", b"")
            if not message.get("more_body"):
                break
        try:
            body = json.loads(raw)
        except json.JSONDecodeError:
            await _json(send, 400, {"error": {"message": "body is not JSON", "code": 400}})
            return
        self.state.requests.append(body)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        model = str(body.get("model", ""))
        self.state.seen_models[model] = self.state.seen_models.get(model, 0) + 1
        fault = headers.get("x-fake-fault") or model.removeprefix(FAULT_PREFIX)
        if not model.startswith(FAULT_PREFIX) and "x-fake-fault" not in headers:
            fault = ""

        if self.api_key is not None and headers.get("authorization") != f"Bearer {self.api_key}":
            fault = "401"
        if fault == "500-echo":
            # Some providers answer an error with the request they got, key and all.
            echo = {"authorization": headers.get("authorization", ""), "request": headers}
            await _json(send, 500, {"error": {"message": "bad request", **echo}})
            return
        if fault == "503-once":
            fault = "503" if self.state.seen_models[model] == 1 else ""
        status_faults = {"401": 401, "404": 404, "429": 429, "500": 500, "503": 503}
        if fault in status_faults:
            status = status_faults[fault]
            extra = [(b"retry-after", b"1")] if status == 429 else []
            detail = "No endpoints found for model" if status == 404 else f"fake fault {status}"
            await _json(send, status, {"error": {"message": detail, "code": status}}, extra)
            return

        words = self._tokens(body)
        if body.get("stream"):
            await self._stream(receive, send, model, words, fault)
        else:
            if await _disconnected_within(receive, 3600 if fault == "stall" else self.latency):
                self.state.disconnects += 1
                return
            if fault in {"garbled", "truncated", "error-mid"}:
                await _json(send, 200, {"error": {"message": "fake fault", "code": 502}})
                return
            await _json(send, 200, _completion(model, "".join(words)))

    def _tokens(self, body: dict[str, Any]) -> list[str]:
        text = self.answer
        if body.get("model") == "echo":
            users = [m for m in body.get("messages", []) if m.get("role") == "user"]
            text = str(users[-1]["content"]) if users else ""
        pieces: list[str] = []
        for word in text.split(" "):
            pieces.append(word + " ")
        if pieces:
            pieces[-1] = pieces[-1][:-1]
        return pieces

    async def _stream(
        self, receive: Receive, send: Send, model: str, words: list[str], fault: str
    ) -> None:
        disconnected = asyncio.Event()

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            disconnected.set()

        watcher = asyncio.create_task(watch())

        async def emit(chunk: bytes, *, more: bool = True) -> None:
            if disconnected.is_set():
                raise _Disconnected
            await send({"type": "http.response.body", "body": chunk, "more_body": more})

        async def pause(seconds: float) -> None:
            try:
                await asyncio.wait_for(disconnected.wait(), timeout=seconds)
            except TimeoutError:
                return
            raise _Disconnected

        try:
            sse_headers = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]
            await send({"type": "http.response.start", "status": 200, "headers": sse_headers})
            if fault == "stall":
                await pause(3600)
            waited = 0.0
            while waited < self.latency:
                step = min(HEARTBEAT_SECONDS, self.latency - waited)
                await pause(step)
                waited += step
                await emit(b": OPENROUTER PROCESSING\n\n")
            interval = 1.0 / self.tokens_per_second if self.tokens_per_second > 0 else 0.0
            for index, word in enumerate(words):
                if fault in {"garbled", "error-mid", "truncated"} and index == 3:
                    break
                await emit(b"data: " + json.dumps(_chunk(model, word)).encode() + b"\n\n")
                await pause(interval)
            if fault == "garbled":
                await emit(b'data: {"choices": [{"delta": {"content": "oops\n\n')
            elif fault == "error-mid":
                error = {"error": {"message": "Provider returned error", "code": 502}}
                await emit(b"data: " + json.dumps(error).encode() + b"\n\n")
            elif fault != "truncated":
                last = _chunk(model, "", finish="stop")
                await emit(b"data: " + json.dumps(last).encode() + b"\n\n")
                await emit(b"data: [DONE]\n\n")
            await emit(b"", more=False)
            self.state.completed_streams += 1
        except (_Disconnected, OSError):
            self.state.disconnects += 1
        finally:
            watcher.cancel()


async def _disconnected_within(receive: Receive, seconds: float) -> bool:
    async def until_disconnect() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    try:
        await asyncio.wait_for(until_disconnect(), timeout=seconds)
    except TimeoutError:
        return False
    return True


def _chunk(model: str, text: str, *, finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": finish}],
    }


def _completion(model: str, text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
    }


async def _json(
    send: Send, status: int, payload: Any, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


class FakeLLMServer:
    """The app on uvicorn in a background thread; ``with FakeLLMServer(...) as server:``."""

    def __init__(self, **options: Any) -> None:
        self.app = FakeLLMApp(**options)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def state(self) -> FakeLLMState:
        return self.app.state

    def start(self) -> FakeLLMServer:
        self._thread.start()
        wait_until(
            lambda: self._server.started or not self._thread.is_alive(),
            what="fake LLM server started",
            interval=0.02,
        )
        if not self._server.started:
            raise RuntimeError("fake LLM server did not start")
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> FakeLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before the first token")
    parser.add_argument("--tokens-per-second", type=float, default=50.0)
    parser.add_argument("--api-key", default=None, help="require this bearer token")
    args = parser.parse_args()
    app = FakeLLMApp(
        latency=args.latency, tokens_per_second=args.tokens_per_second, api_key=args.api_key
    )
    print(f"Fake LLM at http://{args.host}:{args.port}/v1 (OPENROUTER_BASE_URL)")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", backlog=2048)


if __name__ == "__main__":
    main()
