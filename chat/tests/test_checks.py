"""The chat's system checks (chat.checks)."""

from __future__ import annotations

from typing import Any

import pytest

from chat.checks import chat_backend_check


@pytest.mark.parametrize(
    ("path", "ids"),
    [
        ("", []),
        ("chat.llm.backends.locmem.LocmemBackend", []),
        ("chat.llm.backends.nowhere.Backend", ["chat.E001"]),
        ("chat.llm.config.LLMConfig", ["chat.E002"]),
    ],
)
def test_chat_backend_must_name_a_backend_class(settings: Any, path: str, ids: list[str]) -> None:
    settings.CHAT_BACKEND = path

    assert [message.id for message in chat_backend_check()] == ids
