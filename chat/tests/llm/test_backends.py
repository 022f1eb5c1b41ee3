"""Which backend answers (CHAT_BACKEND), read from the settings at call time."""

from __future__ import annotations

from typing import Any

from chat.llm.backends import llm_backend
from chat.llm.backends.locmem import LocmemBackend
from chat.llm.backends.offline import OfflineBackend
from chat.llm.backends.openai import OpenAIBackend


def test_without_a_setting_the_key_decides(settings: Any) -> None:
    settings.CHAT_BACKEND = ""
    settings.OPENROUTER_API_KEY = ""
    assert type(llm_backend()) is OfflineBackend

    settings.OPENROUTER_API_KEY = "sk-x"
    settings.OPENROUTER_LLM_MODEL = "vendor/model"
    backend = llm_backend()
    assert type(backend) is OpenAIBackend
    assert backend.model_label == "vendor/model"


def test_the_setting_wins_over_the_key(settings: Any) -> None:
    settings.OPENROUTER_API_KEY = "sk-x"
    settings.CHAT_BACKEND = "chat.llm.backends.locmem.LocmemBackend"
    assert type(llm_backend()) is LocmemBackend

    settings.CHAT_BACKEND = "chat.llm.backends.offline.OfflineBackend"
    assert llm_backend().offline is True
