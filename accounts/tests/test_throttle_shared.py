"""The bad-token count is shared by processes through the Redis cache (CACHE_URL).

A second Python process records the failures; this process, on the same CACHE_URL, sees
the lock. Redis: TEST_THROTTLE_REDIS_URL (default redis://127.0.0.1:6379/12); skipped when it
does not answer, unless REQUIRE_REDIS=1.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from accounts.selectors import api_token_lockout_seconds
from devtools.databases import redis_or_skip
from fastopp_site.cacheurl import cache_config

pytestmark = pytest.mark.slow  # starts a second Python process

ROOT = Path(django_settings.BASE_DIR)
RECORD = """
import django
django.setup()
from accounts.services import api_token_failure_record
for _ in range(5):
    api_token_failure_record(ip="198.51.100.77")
"""


@pytest.fixture
def redis_cache_url() -> Iterator[str]:
    base = os.environ.get("TEST_THROTTLE_REDIS_URL", "redis://127.0.0.1:6379/12")
    client = redis_or_skip(base, what="shared throttle test")
    prefix = f"throttle-test-{secrets.token_hex(4)}"
    yield f"{base}?key_prefix={prefix}"
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_failures_counted_in_one_process_lock_the_address_in_another(
    redis_cache_url: str, settings: Any
) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fastopp_site.settings",
        "CACHE_URL": redis_cache_url,
        "ENVIRONMENT": "development",
    }
    subprocess.run([sys.executable, "-c", RECORD], cwd=ROOT, env=env, check=True, timeout=60)

    settings.CACHES = {**settings.CACHES, "default": cache_config(url=redis_cache_url)}
    wait = api_token_lockout_seconds(ip="198.51.100.77")
    assert wait is not None
    assert 0 < wait <= 15 * 60
    assert api_token_lockout_seconds(ip="198.51.100.78") is None
