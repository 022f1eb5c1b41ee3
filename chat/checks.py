"""The chat's system checks: a wrong CHAT_BACKEND shows at start-up, not at the first message."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.utils.module_loading import import_string

from chat.llm.backends import llm_backend_path
from chat.llm.backends.base import BaseLLMBackend


@register()
def chat_backend_check(**kwargs: Any) -> list[CheckMessage]:
    path = llm_backend_path()
    try:
        backend = import_string(path)
    except ImportError as exc:
        return [Error(f"CHAT_BACKEND {path!r} cannot be imported: {exc}", id="chat.E001")]
    if not (isinstance(backend, type) and issubclass(backend, BaseLLMBackend)):
        return [
            Error(
                f"CHAT_BACKEND {path!r} is not a chat backend class.",
                hint="Name a subclass of chat.llm.backends.base.BaseLLMBackend.",
                id="chat.E002",
            )
        ]
    return []
