from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest
from django.conf import LazySettings

from chat.llm.backends import locmem

# fake_llm and fake_llm_server come from devtools.pytest_plugin.


@pytest.fixture
def offline(settings: LazySettings) -> None:
    settings.CHAT_BACKEND = ""
    settings.OPENROUTER_API_KEY = ""
    settings.CHAT_OFFLINE_WORD_DELAY = 0.0


@pytest.fixture
def locmem_llm(settings: LazySettings) -> Iterator[ModuleType]:
    """The in-process scripted backend, with an empty script and record."""
    settings.CHAT_BACKEND = "chat.llm.backends.locmem.LocmemBackend"
    locmem.replies.clear()
    locmem.sent.clear()
    yield locmem
    locmem.replies.clear()
    locmem.sent.clear()
