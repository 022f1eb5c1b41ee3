from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest
from django.conf import LazySettings

from chat.fake_llm import DEFAULT_ANSWER, FakeLLMServer
from chat.llm.backends import locmem


@pytest.fixture(scope="session")
def fake_llm_server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer(latency=0.0, tokens_per_second=500.0) as server:
        yield server


@pytest.fixture
def fake_llm(fake_llm_server: FakeLLMServer, settings: LazySettings) -> FakeLLMServer:
    """The local OpenAI-compatible server, wired in through settings, with fresh state."""
    app = fake_llm_server.app
    app.state.__init__()  # type: ignore[misc]
    app.latency, app.tokens_per_second, app.answer = 0.0, 500.0, DEFAULT_ANSWER
    settings.CHAT_BACKEND = ""
    settings.OPENROUTER_API_KEY = "test-key"
    settings.OPENROUTER_BASE_URL = fake_llm_server.base_url
    settings.OPENROUTER_LLM_MODEL = "fake/model"
    settings.CHAT_RETRIES = 0
    settings.CHAT_HEARTBEAT_SECONDS = 10.0
    return fake_llm_server


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
