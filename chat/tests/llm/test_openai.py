"""The OpenAI-compatible backend against scripted upstream responses (respx): parsing,
retries, errors."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from chat.llm.backends.openai import OpenAIBackend
from chat.llm.config import LLMConfig
from chat.llm.errors import ChatErrorCode, LLMError
from chat.llm.messages import ChatMessage
from chat.llm.pool import scoped_client

BASE = "https://llm.test/api/v1"
CONFIG = LLMConfig(
    api_key="sk-test",
    base_url=BASE,
    model="some/model",
    max_tokens=100,
    temperature=0.7,
    connect_timeout=1.0,
    read_timeout=1.0,
    total_timeout=5.0,
    retries=2,
    app_url="https://app.test",
    app_title="Test app",
    offline_word_delay=0.0,
)
MESSAGES: list[ChatMessage] = [{"role": "user", "content": "hi"}]


def sse(*lines: str) -> httpx.Response:
    body = "".join(f"{line}\n\n" for line in lines)
    return httpx.Response(200, content=body.encode(), headers={"content-type": "text/event-stream"})


def delta(text: str) -> str:
    return "data: " + json.dumps({"choices": [{"delta": {"content": text}}]})


async def collect() -> list[str]:
    async with scoped_client():
        backend = OpenAIBackend(config=CONFIG)
        return [piece async for piece in backend.stream(messages=MESSAGES)]


@respx.mock
async def test_stream_skips_comments_and_sends_openrouter_headers() -> None:
    route = respx.post(f"{BASE}/chat/completions").mock(
        return_value=sse(
            ": OPENROUTER PROCESSING", delta("Hel"), ": ping", delta("lo"), "data: [DONE]"
        )
    )

    assert await collect() == ["Hel", "lo"]
    request = route.calls.last.request
    assert request.headers["Authorization"] == "Bearer sk-test"
    assert request.headers["HTTP-Referer"] == "https://app.test"
    assert request.headers["X-Title"] == "Test app"


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        (
            (delta("a"), 'data: {"error": {"message": "boom", "code": 502}}'),
            ChatErrorCode.STREAM_ERROR,
        ),
        (
            (delta("a"), 'data: {"error": {"message": "slow down", "code": 429}}'),
            ChatErrorCode.UPSTREAM_RATE_LIMITED,
        ),
        ((delta("a"), "data: {not json"), ChatErrorCode.STREAM_ERROR),
        ((delta("a"), delta("b")), ChatErrorCode.STREAM_ERROR),  # truncated: no [DONE]
    ],
    ids=["error-event", "error-event-429", "garbled", "truncated"],
)
@respx.mock
async def test_stream_failures_inside_a_200(lines: tuple[str, ...], code: ChatErrorCode) -> None:
    respx.post(f"{BASE}/chat/completions").mock(return_value=sse(*lines))

    with pytest.raises(LLMError) as caught:
        await collect()
    assert caught.value.code is code


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [
        (401, '{"error": {"message": "No auth credentials found"}}', ChatErrorCode.BAD_KEY),
        (404, '{"error": {"message": "No endpoints found"}}', ChatErrorCode.UNKNOWN_MODEL),
        (400, '{"error": {"message": "x is not a valid model ID"}}', ChatErrorCode.UNKNOWN_MODEL),
        (429, "{}", ChatErrorCode.UPSTREAM_RATE_LIMITED),
        (500, "{}", ChatErrorCode.UPSTREAM_DOWN),
        (503, "{}", ChatErrorCode.UPSTREAM_DOWN),
    ],
)
@respx.mock
async def test_http_errors_are_classified(status: int, body: str, code: ChatErrorCode) -> None:
    route = respx.post(f"{BASE}/chat/completions").mock(
        return_value=httpx.Response(status, content=body.encode())
    )

    with pytest.raises(LLMError) as caught:
        await collect()
    assert caught.value.code is code
    retried = status in {429, 502, 503}
    assert route.call_count == (CONFIG.retries + 1 if retried else 1)


@respx.mock
async def test_retry_before_first_token_then_success() -> None:
    respx.post(f"{BASE}/chat/completions").mock(
        side_effect=[
            httpx.Response(503, headers={"retry-after": "0"}),
            sse(delta("ok"), "data: [DONE]"),
        ]
    )

    assert await collect() == ["ok"]


@respx.mock
async def test_connect_error_is_upstream_down_and_read_timeout_is_timeout() -> None:
    route = respx.post(f"{BASE}/chat/completions").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(LLMError) as caught:
        await collect()
    assert caught.value.code is ChatErrorCode.UPSTREAM_DOWN

    route.mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(LLMError) as caught:
        await collect()
    assert caught.value.code is ChatErrorCode.TIMEOUT


@respx.mock
async def test_complete_returns_the_message_and_classifies_errors() -> None:
    route = respx.post(f"{BASE}/chat/completions").mock(
        return_value=httpx.Response(200, json={"choices": [{"message": {"content": "**hi**"}}]})
    )
    async with scoped_client():
        backend = OpenAIBackend(config=CONFIG)
        assert await backend.complete(messages=MESSAGES) == "**hi**"
        assert route.calls.last.request.read().count(b'"stream":false') == 1

        route.mock(return_value=httpx.Response(401, json={"error": {"message": "bad key sk-test"}}))
        with pytest.raises(LLMError) as caught:
            await backend.complete(messages=MESSAGES)
    assert caught.value.code is ChatErrorCode.BAD_KEY
    assert "sk-test" not in caught.value.code.user_message


def test_the_label_is_the_configured_model() -> None:
    backend = OpenAIBackend(config=CONFIG)

    assert (backend.model_label, backend.offline) == ("some/model", False)
