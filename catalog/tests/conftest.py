from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def demo(db: None) -> Any:
    from platform_ops.demo import demo_load

    return demo_load()
