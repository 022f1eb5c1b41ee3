"""What every chat backend offers: a streamed answer, a whole answer, and how to label it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Sequence

from chat.llm.config import LLMConfig
from chat.llm.messages import ChatMessage


class BaseLLMBackend(ABC):
    """A backend raises ``LLMError`` for every failure; nothing else escapes it."""

    offline: bool = False  # True: not a real model (labelled so on the page and in the API)

    def __init__(self, *, config: LLMConfig) -> None:
        self.config = config

    @property
    @abstractmethod
    def model_label(self) -> str:
        """The model's name as the user and the stored answer see it."""

    @abstractmethod
    def stream(self, *, messages: Sequence[ChatMessage]) -> AsyncGenerator[str, None]:
        """Yield the answer's text pieces as they arrive.

        An async generator, not any iterator: a consumer that stops early (the browser
        left) closes it with ``aclose()``, which must release the upstream request.
        """

    @abstractmethod
    async def complete(self, *, messages: Sequence[ChatMessage]) -> str:
        """The whole answer in one piece (the JSON API and the queued task use this)."""
