"""Which backend answers the chat, and the settings it reads, both resolved at call time.

Read at call time, not import time: tests and admins change settings at run time.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


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

    @classmethod
    def from_settings(cls) -> LLMConfig:
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
