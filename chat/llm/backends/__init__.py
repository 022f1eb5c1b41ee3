"""Backends that answer the chat, one per module, chosen by ``CHAT_BACKEND``.

Django's e-mail backends are the pattern: `openai` talks to OpenRouter or any
OpenAI-compatible server, `offline` is the labelled demo model, `locmem` answers
from a script in tests.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from chat.llm.backends.base import BaseLLMBackend
from chat.llm.config import LLMConfig

OPENAI_BACKEND = "chat.llm.backends.openai.OpenAIBackend"
OFFLINE_BACKEND = "chat.llm.backends.offline.OfflineBackend"


def llm_backend_path() -> str:
    """``CHAT_BACKEND``, or by default the real client when a key is set, else the offline model."""
    path: str = settings.CHAT_BACKEND
    if path:
        return path
    return OPENAI_BACKEND if settings.OPENROUTER_API_KEY else OFFLINE_BACKEND


def llm_backend() -> BaseLLMBackend:
    backend_class: type[BaseLLMBackend] = import_string(llm_backend_path())
    return backend_class(config=LLMConfig.from_settings())
