"""The offline demo model: what answers when no API key is set."""

from __future__ import annotations

from chat.llm.backends.offline import OfflineBackend
from chat.llm.config import LLMConfig
from chat.llm.messages import ChatMessage

MESSAGES: list[ChatMessage] = [{"role": "user", "content": "hi"}]


async def test_offline_model_streams_words_deterministically(offline: None) -> None:
    backend = OfflineBackend(config=LLMConfig.from_settings())
    pieces = [p async for p in backend.stream(messages=MESSAGES)]

    assert len(pieces) > 20
    assert "".join(pieces) == await backend.complete(messages=MESSAGES)
    assert (backend.model_label, backend.offline) == ("offline-demo", True)


async def test_the_answer_quotes_the_last_message_and_counts_the_turns(offline: None) -> None:
    messages: list[ChatMessage] = [
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": "ok"},
        {"role": "user", "content": "second   line\nhere"},
    ]
    answer = await OfflineBackend(config=LLMConfig.from_settings()).complete(messages=messages)

    assert "You wrote: *second line here*" in answer
    assert "has 2 messages from you" in answer
