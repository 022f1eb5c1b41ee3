"""The chat model called through a synchronous client, as a sync Django app would call it.

Only the benchmark's deliberately blocking view uses this, to measure what a sync LLM
call costs; the site itself always uses the async backends in chat.llm.backends.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import httpx

from chat.llm.backends import llm_backend
from chat.llm.backends.offline import offline_answer
from chat.llm.backends.openai import (
    answer_parse,
    completions_url,
    error_for_status,
    request_headers,
    request_payload,
    request_timeout,
)
from chat.llm.config import LLMConfig
from chat.llm.errors import ChatErrorCode, LLMError
from chat.llm.messages import ChatMessage


@functools.cache
def _blocking_client() -> httpx.Client:
    # One pooled client for the process, as a sync app would keep (httpx.Client is thread-safe).
    return httpx.Client(limits=httpx.Limits(max_connections=1000, max_keepalive_connections=50))


def llm_complete_blocking(*, messages: Sequence[ChatMessage], config: LLMConfig) -> str:
    """The openai backend's request, holding this thread for the whole call."""
    if llm_backend().offline:
        return offline_answer(messages=messages)
    try:
        response = _blocking_client().post(
            completions_url(config=config),
            json=request_payload(config=config, messages=messages, stream=False),
            headers=request_headers(config=config),
            timeout=request_timeout(config=config),
        )
    except httpx.TimeoutException as exc:
        raise LLMError(ChatErrorCode.TIMEOUT, type(exc).__name__) from exc
    except httpx.TransportError as exc:
        raise LLMError(ChatErrorCode.UPSTREAM_DOWN, type(exc).__name__) from exc
    if response.status_code != 200:
        raise error_for_status(status=response.status_code, body=response.text)
    return answer_parse(response=response)
