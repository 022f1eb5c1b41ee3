"""A built-in model for when no API key is set: the demo still works, deterministically."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncGenerator, Sequence

from chat.llm.backends.base import BaseLLMBackend
from chat.llm.messages import ChatMessage

OFFLINE_MODEL = "offline-demo"
_PIECE = re.compile(r"\S+\s*|\s+")


def offline_answer(*, messages: Sequence[ChatMessage]) -> str:
    last = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
    quoted = " ".join(last.split())[:200]
    turns = sum(1 for m in messages if m["role"] == "user")
    return (
        "**Offline demo model.** No `OPENROUTER_API_KEY` is set, so this answer comes from a "
        "built-in stand-in, not a real model.\n\n"
        f"You wrote: *{quoted}*\n\n"
        f"This conversation has {turns} message{'s' if turns != 1 else ''} from you so far. "
        "To get real answers:\n\n"
        "1. Create a key at openrouter.ai\n"
        "2. Put `OPENROUTER_API_KEY=...` in `.env`\n"
        "3. Restart the server\n\n"
        "```bash\necho 'OPENROUTER_API_KEY=sk-or-...' >> .env\n```"
    )


class OfflineBackend(BaseLLMBackend):
    offline = True

    @property
    def model_label(self) -> str:
        return OFFLINE_MODEL

    async def stream(self, *, messages: Sequence[ChatMessage]) -> AsyncGenerator[str, None]:
        # Word by word with a pause, so the page shows what streaming looks like.
        for piece in _PIECE.findall(offline_answer(messages=messages)):
            await asyncio.sleep(self.config.offline_word_delay)
            yield piece

    async def complete(self, *, messages: Sequence[ChatMessage]) -> str:
        return offline_answer(messages=messages)
