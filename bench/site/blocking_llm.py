"""The chat model called through a synchronous client, as a sync Django app would call it.

Only the benchmark's deliberately blocking view uses this, to measure what a sync LLM
call costs; the site itself always uses chat.llm's async functions.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import httpx

from chat import offline
from chat.llm import (
    ChatErrorCode,
    ChatMessage,
    LLMConfig,
    LLMError,
    _answer,
    _error_for_status,
    _headers,
    _payload,
    _timeout,
)


@functools.cache
def _blocking_client() -> httpx.Client:
    # One pooled client for the process, as a sync app would keep (httpx.Client is thread-safe).
    return httpx.Client(limits=httpx.Limits(max_connections=1000, max_keepalive_connections=50))


def llm_complete_blocking(*, messages: Sequence[ChatMessage], config: LLMConfig) -> str:
    """The same request as chat.llm.llm_complete, holding its thread for the whole call."""
    if config.offline:
        return offline.offline_answer(messages=messages)
    try:
        response = _blocking_client().post(
            f"{config.base_url}/chat/completions",
            json=_payload(config, messages, stream=False),
            headers=_headers(config),
            timeout=_timeout(config),
        )
    except httpx.TimeoutException as exc:
        raise LLMError(ChatErrorCode.TIMEOUT, type(exc).__name__) from exc
    except httpx.TransportError as exc:
        raise LLMError(ChatErrorCode.UPSTREAM_DOWN, type(exc).__name__) from exc
    if response.status_code != 200:
        raise _error_for_status(response.status_code, response.text)
    return _answer(response)
