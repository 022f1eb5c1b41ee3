"""An async client for OpenRouter and any server that speaks OpenAI's chat-completions protocol.

Everything here runs on the event loop and never blocks it: httpx for the network, no ORM.
Failures are reduced to a few `ChatErrorCode`s, each with a message a user can act on;
the upstream's own text (which may echo the key or internals) is only logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypedDict

import httpx
from django.conf import settings

from chat import offline

logger = logging.getLogger(__name__)

OFFLINE_MODEL = "offline-demo"
SYSTEM_PROMPT = (
    "You are a helpful assistant in a demo web app. Answer concisely and format "
    "your answers in markdown."
)
RETRYABLE_STATUSES = frozenset({429, 502, 503})


class ChatMessage(TypedDict):
    role: str
    content: str


class ChatErrorCode(StrEnum):
    BAD_KEY = "bad_key"
    UNKNOWN_MODEL = "unknown_model"
    UPSTREAM_RATE_LIMITED = "upstream_rate_limited"
    UPSTREAM_DOWN = "upstream_down"
    TIMEOUT = "timeout"
    STREAM_ERROR = "stream_error"

    @property
    def user_message(self) -> str:
        return _USER_MESSAGES[self]

    @property
    def http_status(self) -> int:
        return _HTTP_STATUSES[self]


_USER_MESSAGES = {
    ChatErrorCode.BAD_KEY: (
        "The AI provider rejected the API key. The site owner needs to check OPENROUTER_API_KEY."
    ),
    ChatErrorCode.UNKNOWN_MODEL: (
        "The AI provider does not know the configured model. The site owner needs to check "
        "OPENROUTER_LLM_MODEL."
    ),
    ChatErrorCode.UPSTREAM_RATE_LIMITED: (
        "The AI provider is rate-limiting this site right now. Please try again in a minute."
    ),
    ChatErrorCode.UPSTREAM_DOWN: (
        "The AI provider is unreachable or failing right now. Please try again later."
    ),
    ChatErrorCode.TIMEOUT: "The AI provider took too long to answer. Please try again.",
    ChatErrorCode.STREAM_ERROR: (
        "The answer was interrupted by an error at the AI provider. Please try again."
    ),
}
# The fault is upstream or in the site's configuration, never in the client's request.
_HTTP_STATUSES = {
    ChatErrorCode.BAD_KEY: 502,
    ChatErrorCode.UNKNOWN_MODEL: 502,
    ChatErrorCode.UPSTREAM_RATE_LIMITED: 503,
    ChatErrorCode.UPSTREAM_DOWN: 502,
    ChatErrorCode.TIMEOUT: 504,
    ChatErrorCode.STREAM_ERROR: 502,
}


class LLMError(Exception):
    def __init__(self, code: ChatErrorCode, internal: str = "") -> None:
        super().__init__(f"{code.value}: {internal}" if internal else code.value)
        self.code = code


@dataclass(frozen=True)
class LLMConfig:
    api_key: str
    base_url: str
    model: str
    max_tokens: int
    temperature: float
    connect_timeout: float
    read_timeout: float
    total_timeout: float
    retries: int
    app_url: str
    app_title: str
    offline_word_delay: float

    @property
    def offline(self) -> bool:
        return not self.api_key

    @property
    def model_label(self) -> str:
        return OFFLINE_MODEL if self.offline else self.model

    @classmethod
    def from_settings(cls) -> LLMConfig:
        # Read at call time, not import time: tests and admins change settings at run time.
        return cls(
            api_key=settings.OPENROUTER_API_KEY,
            base_url=settings.OPENROUTER_BASE_URL.rstrip("/"),
            model=settings.OPENROUTER_LLM_MODEL,
            max_tokens=settings.CHAT_MAX_TOKENS,
            temperature=settings.CHAT_TEMPERATURE,
            connect_timeout=settings.CHAT_CONNECT_TIMEOUT,
            read_timeout=settings.CHAT_READ_TIMEOUT,
            total_timeout=settings.CHAT_TOTAL_TIMEOUT,
            retries=settings.CHAT_RETRIES,
            app_url=settings.CHAT_APP_URL,
            app_title=settings.CHAT_APP_TITLE,
            offline_word_delay=settings.CHAT_OFFLINE_WORD_DELAY,
        )


# An httpx.AsyncClient belongs to the event loop that first used it, and Django has no
# ASGI lifespan hook to create one at start-up: keep one pooled client per running loop.
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary()
)


def _timeout(config: LLMConfig) -> httpx.Timeout:
    return httpx.Timeout(
        connect=config.connect_timeout,
        read=config.read_timeout,
        write=config.connect_timeout,
        pool=config.connect_timeout,
    )


def client_for_loop() -> httpx.AsyncClient:
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None or client.is_closed:
        client = httpx.AsyncClient(
            limits=httpx.Limits(max_connections=500, max_keepalive_connections=50)
        )
        _clients[loop] = client
    return client


def _headers(config: LLMConfig) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {config.api_key}",
        "HTTP-Referer": config.app_url,
        "X-Title": config.app_title,
    }


def _payload(config: LLMConfig, messages: Sequence[ChatMessage], *, stream: bool) -> dict[str, Any]:
    return {
        "model": config.model,
        "messages": [{"role": "system", "content": SYSTEM_PROMPT}, *messages],
        "temperature": config.temperature,
        "max_tokens": config.max_tokens,
        "stream": stream,
    }


def _error_for_status(status: int, body: str) -> LLMError:
    text = body.lower()
    if status in {401, 403}:
        return LLMError(ChatErrorCode.BAD_KEY, f"HTTP {status}")
    if status == 404 or (status == 400 and "model" in text):
        return LLMError(ChatErrorCode.UNKNOWN_MODEL, f"HTTP {status}: {body[:200]}")
    if status == 429:
        return LLMError(ChatErrorCode.UPSTREAM_RATE_LIMITED, f"HTTP {status}")
    if status == 408:
        return LLMError(ChatErrorCode.TIMEOUT, f"HTTP {status}")
    return LLMError(ChatErrorCode.UPSTREAM_DOWN, f"HTTP {status}: {body[:200]}")


def _error_for_event(error: Any) -> LLMError:
    """An error object sent inside a 200 stream (OpenRouter does this mid-answer)."""
    code = error.get("code") if isinstance(error, dict) else None
    message = str(error.get("message", "")) if isinstance(error, dict) else str(error)
    if isinstance(code, int) and code in {401, 403, 404, 429}:
        return _error_for_status(code, message)
    return LLMError(ChatErrorCode.STREAM_ERROR, f"error event: {message[:200]}")


def _retry_delay(attempt: int, response: httpx.Response | None) -> float:
    retry_after: str = response.headers.get("retry-after", "") if response is not None else ""
    if retry_after.isdigit():
        # Honour short waits only: a long one would hold the user's request open.
        return min(float(retry_after), 5.0)
    return min(0.5 * 2.0**attempt, 5.0)


async def _open(
    client: httpx.AsyncClient, config: LLMConfig, payload: dict[str, Any], *, stream: bool
) -> httpx.Response:
    """Send the request, retrying 429/502/503 and connection failures; nothing was shown yet."""
    request = client.build_request(
        "POST",
        f"{config.base_url}/chat/completions",
        json=payload,
        headers=_headers(config),
        timeout=_timeout(config),
    )
    attempt = 0
    while True:
        try:
            response = await client.send(request, stream=stream)
        except httpx.TimeoutException as exc:
            raise LLMError(ChatErrorCode.TIMEOUT, type(exc).__name__) from exc
        except httpx.TransportError as exc:
            if attempt >= config.retries:
                raise LLMError(ChatErrorCode.UPSTREAM_DOWN, type(exc).__name__) from exc
            await asyncio.sleep(_retry_delay(attempt, None))
            attempt += 1
            continue
        if response.status_code == 200:
            return response
        body = (await response.aread()).decode(errors="replace")
        await response.aclose()
        if response.status_code in RETRYABLE_STATUSES and attempt < config.retries:
            delay = _retry_delay(attempt, response)
            logger.info("upstream answered %s; retry in %.1f s", response.status_code, delay)
            await asyncio.sleep(delay)
            attempt += 1
            continue
        raise _error_for_status(response.status_code, body)


def _delta_text(event: dict[str, Any]) -> str:
    choices = event.get("choices") or []
    if not choices or not isinstance(choices[0], dict):
        return ""
    delta = choices[0].get("delta") or {}
    content = delta.get("content") if isinstance(delta, dict) else None
    return content if isinstance(content, str) else ""


async def llm_stream(
    *,
    messages: Sequence[ChatMessage],
    config: LLMConfig,
    client: httpx.AsyncClient | None = None,
) -> AsyncGenerator[str, None]:
    """Yield the answer's text pieces as they arrive; raise LLMError on any failure.

    If the consumer stops early (client disconnect: CancelledError, or aclose()), the
    `finally` closes the upstream response so the provider stops generating.
    """
    if config.offline:
        delay = config.offline_word_delay
        async for piece in offline.offline_stream(messages=messages, delay=delay):
            yield piece
        return

    loop = asyncio.get_running_loop()
    deadline = loop.time() + config.total_timeout
    try:
        async with asyncio.timeout_at(deadline):
            response = await _open(
                client or client_for_loop(),
                config,
                _payload(config, messages, stream=True),
                stream=True,
            )
    except TimeoutError as exc:
        raise LLMError(ChatErrorCode.TIMEOUT, "total deadline before headers") from exc

    lines = response.aiter_lines()
    finished = False
    try:
        while True:
            try:
                # The deadline wraps each read, not the yield: time spent by our consumer
                # sending to the browser must not cancel its own task.
                async with asyncio.timeout_at(deadline):
                    line = await anext(lines)
            except StopAsyncIteration:
                break
            except TimeoutError as exc:
                raise LLMError(ChatErrorCode.TIMEOUT, "total deadline") from exc
            except httpx.ReadTimeout as exc:
                raise LLMError(ChatErrorCode.TIMEOUT, "no data between chunks") from exc
            except httpx.HTTPError as exc:
                raise LLMError(ChatErrorCode.STREAM_ERROR, type(exc).__name__) from exc

            line = line.strip()
            if not line or line.startswith(":"):
                continue  # keep-alives such as ": OPENROUTER PROCESSING"
            if not line.startswith("data:"):
                continue  # "event:", "id:", "retry:" fields carry nothing we use
            data = line[5:].strip()
            if data == "[DONE]":
                finished = True
                break
            try:
                event = json.loads(data)
            except json.JSONDecodeError as exc:
                raise LLMError(ChatErrorCode.STREAM_ERROR, f"garbled line: {data[:80]}") from exc
            if not isinstance(event, dict):
                raise LLMError(ChatErrorCode.STREAM_ERROR, "event is not an object")
            if "error" in event:
                raise _error_for_event(event["error"])
            choices = event.get("choices") or [{}]
            if isinstance(choices[0], dict) and choices[0].get("finish_reason") == "error":
                raise LLMError(ChatErrorCode.STREAM_ERROR, "finish_reason=error")
            piece = _delta_text(event)
            if piece:
                yield piece
        if not finished:
            raise LLMError(ChatErrorCode.STREAM_ERROR, "stream ended without [DONE]")
    finally:
        await response.aclose()


async def llm_complete(
    *,
    messages: Sequence[ChatMessage],
    config: LLMConfig,
    client: httpx.AsyncClient | None = None,
) -> str:
    """The whole answer in one response (the JSON API and the queued task use this)."""
    if config.offline:
        return offline.offline_answer(messages=messages)
    try:
        async with asyncio.timeout(config.total_timeout):
            response = await _open(
                client or client_for_loop(),
                config,
                _payload(config, messages, stream=False),
                stream=False,
            )
    except TimeoutError as exc:
        raise LLMError(ChatErrorCode.TIMEOUT, "total deadline") from exc
    return _answer(response)


def _answer(response: httpx.Response) -> str:
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LLMError(ChatErrorCode.STREAM_ERROR, "response is not JSON") from exc
    if not isinstance(body, dict):
        raise LLMError(ChatErrorCode.STREAM_ERROR, "response is not an object")
    if "error" in body:
        raise _error_for_event(body["error"])
    try:
        content = body["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise LLMError(ChatErrorCode.STREAM_ERROR, "no choices in response") from exc
    return content if isinstance(content, str) else ""
