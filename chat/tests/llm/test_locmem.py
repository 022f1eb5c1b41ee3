"""The in-process scripted backend for tests (chat.llm.backends.locmem)."""

from __future__ import annotations

from types import ModuleType

import pytest

from chat.llm.backends import llm_backend, locmem
from chat.llm.errors import ChatErrorCode, LLMError
from chat.llm.messages import ChatMessage

MESSAGES: list[ChatMessage] = [{"role": "user", "content": "hi"}]


async def test_replies_in_order_and_records_what_it_was_sent(locmem_llm: ModuleType) -> None:
    locmem_llm.replies.extend([["Hel", "lo"], ["second"]])
    backend = llm_backend()

    assert [p async for p in backend.stream(messages=MESSAGES)] == ["Hel", "lo"]
    assert await backend.complete(messages=[*MESSAGES, {"role": "user", "content": "2"}]) == (
        "second"
    )
    assert await backend.complete(messages=MESSAGES) == "".join(locmem.DEFAULT_REPLY)
    assert [len(m) for m in locmem_llm.sent] == [1, 2, 1]
    assert backend.model_label == "locmem"


async def test_a_scripted_error_is_raised_where_it_stands(locmem_llm: ModuleType) -> None:
    locmem_llm.replies.extend(
        [["a", LLMError(ChatErrorCode.STREAM_ERROR)], [LLMError(ChatErrorCode.TIMEOUT)]]
    )
    backend = llm_backend()
    stream = backend.stream(messages=MESSAGES)

    assert await anext(stream) == "a"
    with pytest.raises(LLMError) as caught:
        await anext(stream)
    assert caught.value.code is ChatErrorCode.STREAM_ERROR
    with pytest.raises(LLMError) as caught:
        await backend.complete(messages=MESSAGES)
    assert caught.value.code is ChatErrorCode.TIMEOUT
