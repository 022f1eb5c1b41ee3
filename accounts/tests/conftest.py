from __future__ import annotations

import pytest
from django.urls import get_resolver


@pytest.fixture(autouse=True)
def _urls_loaded_before_any_frozen_clock() -> None:
    # The URLconf imports the API, whose pydantic models are built at import; built inside
    # a freezegun block (a test's first request there), datetime is freezegun's class and
    # pydantic refuses it.
    get_resolver().url_patterns  # noqa: B018 (the import is the point)
