from __future__ import annotations

import pytest
from django.conf import LazySettings

# fake_llm and fake_llm_server come from devtools.pytest_plugin.


@pytest.fixture
def offline(settings: LazySettings) -> None:
    settings.OPENROUTER_API_KEY = ""
    settings.CHAT_OFFLINE_WORD_DELAY = 0.0
