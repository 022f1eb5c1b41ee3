"""OpenRouter, or any server that speaks OpenAI's chat-completions protocol, over async httpx.

Everything here runs on the event loop and never blocks it. Retries happen only before
the first token (nothing was shown yet); a deadline bounds the whole answer, and the read
timeout bounds the silence between chunks. Failures are reduced to `ChatErrorCode`s.

The request and response helpers are public: the benchmark's blocking client builds the
same request with them.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, Sequence
from typing import Any

import httpx

from chat.llm.backends.base import BaseLLMBackend
from chat.llm.config import LLMConfig
from chat.llm.errors import ChatErrorCode, LLMError
from chat.llm.messages import ChatMessage
from chat.llm.pool import loop_client_get
from chat.llm.sse import SSEEnd, sse_line_parse
from core.redaction import secrets_redact

logger = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "You are a helpful assistant in a demo web app. Answer concisely and format "
    "your answers in markdown."
)
RETRYABLE_STATUSES = frozenset({429, 502, 503})


def completions_url(*, config: LLMConfig) -> str:
    return f"{config.base_url}/chat/completions"


def request_timeout(*, config: LLMConfig) -> httpx.Timeout:
    return httpx.Timeout(
        connect=config.connect_timeout,
        read=config.read_timeout,
        write=config.connect_timeout,
        pool=config.connect_timeout,
    )


def request_headers(*, config: LLMConfig) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {config.api_key}",
        "HTTP-Referer": config.app_url,
        "X-Title": config.app_title,
    }


def request_payload(
    *, config: LLMConfig, messages: Sequence[ChatMessage], stream: bool
) -> dict[str, Any]:
    return {
        "model": config.model,
        "messages": [{"role": "system", "content": SYSTEM_PROMPT}, *messages],
        "temperature": config.temperature,
        "max_tokens": config.max_tokens,
        "stream": stream,
    }


def error_for_status(*, status: int, body: str) -> LLMError:
    """The error for a non-200 answer; the body is kept for the log without any secret (some
    upstreams echo the request's Authorization header in it) and cut short."""
    text = body.lower()
    body = secrets_redact(text=body)
    if status in {401, 403}:
        return LLMError(ChatErrorCode.BAD_KEY, f"HTTP {status}")
    if status == 404 or (status == 400 and "model" in text):
        return LLMError(ChatErrorCode.UNKNOWN_MODEL, f"HTTP {status}: {body}")
    if status == 429:
        return LLMError(ChatErrorCode.UPSTREAM_RATE_LIMITED, f"HTTP {status}")
    if status == 408:
        return LLMError(ChatErrorCode.TIMEOUT, f"HTTP {status}")
    return LLMError(ChatErrorCode.UPSTREAM_DOWN, f"HTTP {status}: {body}")


def error_for_event(*, error: Any) -> LLMError:
    """An error object sent inside a 200 stream (OpenRouter does this mid-answer)."""
    code = error.get("code") if isinstance(error, dict) else None
    message = str(error.get("message", "")) if isinstance(error, dict) else str(error)
    if isinstance(code, int) and code in {401, 403, 404, 429}:
        return error_for_status(status=code, body=message)
    return LLMError(ChatErrorCode.STREAM_ERROR, f"error event: {secrets_redact(text=message)}")


def answer_parse(*, response: httpx.Response) -> str:
    """The text of a non-streamed answer, or the LLMError its body describes."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LLMError(ChatErrorCode.STREAM_ERROR, "response is not JSON") from exc
    if not isinstance(body, dict):
        raise LLMError(ChatErrorCode.STREAM_ERROR, "response is not an object")
    if "error" in body:
        raise error_for_event(error=body["error"])
    try:
        content = body["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise LLMError(ChatErrorCode.STREAM_ERROR, "no choices in response") from exc
    return content if isinstance(content, str) else ""


def _delta_text(event: dict[str, Any]) -> str:
    choices = event.get("choices") or []
    if not choices or not isinstance(choices[0], dict):
        return ""
    delta = choices[0].get("delta") or {}
    content = delta.get("content") if isinstance(delta, dict) else None
    return content if isinstance(content, str) else ""


def _retry_delay(attempt: int, response: httpx.Response | None) -> float:
    retry_after: str = response.headers.get("retry-after", "") if response is not None else ""
    if retry_after.isdigit():
        # Honour short waits only: a long one would hold the user's request open.
        return min(float(retry_after), 5.0)
    return min(0.5 * 2.0**attempt, 5.0)


class OpenAIBackend(BaseLLMBackend):
    @property
    def model_label(self) -> str:
        return self.config.model

    async def _open(self, payload: dict[str, Any], *, stream: bool) -> httpx.Response:
        """Send the request, retrying 429/502/503 and connection failures; nothing was shown yet."""
        config = self.config
        client = loop_client_get()  # this loop's pooled one, or a scoped_client's
        request = client.build_request(
            "POST",
            completions_url(config=config),
            json=payload,
            headers=request_headers(config=config),
            timeout=request_timeout(config=config),
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
            raise error_for_status(status=response.status_code, body=body)

    async def stream(self, *, messages: Sequence[ChatMessage]) -> AsyncGenerator[str, None]:
        """If the consumer stops early (client disconnect: CancelledError, or aclose()), the
        `finally` closes the upstream response so the provider stops generating."""
        config = self.config
        deadline = asyncio.get_running_loop().time() + config.total_timeout
        try:
            async with asyncio.timeout_at(deadline):
                response = await self._open(
                    request_payload(config=config, messages=messages, stream=True), stream=True
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

                event = sse_line_parse(line=line)
                if event is None:
                    continue
                if event is SSEEnd.DONE:
                    finished = True
                    break
                if "error" in event:
                    raise error_for_event(error=event["error"])
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

    async def complete(self, *, messages: Sequence[ChatMessage]) -> str:
        config = self.config
        try:
            async with asyncio.timeout(config.total_timeout):
                response = await self._open(
                    request_payload(config=config, messages=messages, stream=False), stream=False
                )
        except TimeoutError as exc:
            raise LLMError(ChatErrorCode.TIMEOUT, "total deadline") from exc
        return answer_parse(response=response)
