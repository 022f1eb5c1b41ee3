"""An in-process backend for tests: answers from a script and records what it was sent.

Like Django's locmem e-mail backend and ``mail.outbox``: the state is this module's, so it
outlives the backend instance each request creates. Tests reset it (``chat/tests/conftest.py``).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence

from chat.llm.backends.base import BaseLLMBackend
from chat.llm.errors import LLMError
from chat.llm.messages import ChatMessage

LOCMEM_MODEL = "locmem"
DEFAULT_REPLY: tuple[str, ...] = ("A ", "scripted ", "answer.")

# One reply per call, oldest first: text pieces, and an LLMError where the reply fails.
replies: list[Sequence[str | LLMError]] = []
# What each call was sent, oldest first.
sent: list[list[ChatMessage]] = []


def _next_reply(messages: Sequence[ChatMessage]) -> Sequence[str | LLMError]:
    sent.append(list(messages))
    return replies.pop(0) if replies else DEFAULT_REPLY


class LocmemBackend(BaseLLMBackend):
    @property
    def model_label(self) -> str:
        return LOCMEM_MODEL

    async def stream(self, *, messages: Sequence[ChatMessage]) -> AsyncGenerator[str, None]:
        for part in _next_reply(messages):
            if isinstance(part, LLMError):
                raise part
            yield part

    async def complete(self, *, messages: Sequence[ChatMessage]) -> str:
        pieces: list[str] = []
        for part in _next_reply(messages):
            if isinstance(part, LLMError):
                raise part
            pieces.append(part)
        return "".join(pieces)
