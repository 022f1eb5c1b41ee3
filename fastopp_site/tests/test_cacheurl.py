"""CACHE_URL: Django's own RedisCache for Redis URLs, local memory by default, one refusal
line for a URL that cannot work."""

from __future__ import annotations

import subprocess
import sys

import environ
import pytest

from fastopp_site.cacheurl import DJANGO_REDIS_BACKEND, LOCMEM_BACKEND, CacheUrlError, cache_config
from fastopp_site.startup import REFUSAL_PREFIX, settings_problems
from fastopp_site.tests.settings_env import ROOT, STRONG_KEY, environment_for_process, settings_from

PRODUCTION = {"ENVIRONMENT": "production", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "a.example"}


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("redis://127.0.0.1:6379/1", "redis://127.0.0.1:6379/1"),
        ("rediss://:pw@cache.example:6380/0", "rediss://:pw@cache.example:6380/0"),
    ],
)
def test_redis_urls_get_djangos_own_backend(url: str, location: str) -> None:
    config = cache_config(url=url)
    assert config["BACKEND"] == DJANGO_REDIS_BACKEND
    assert config["LOCATION"] == location
    assert config["OPTIONS"]["socket_timeout"] > 0  # a stalled server never hangs a page


def test_redis_url_gets_djangos_backend_even_when_django_environ_would_pick_django_redis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # django-environ 0.14 maps redis:// to django-redis whenever that package is importable.
    schemes = {**environ.Env.CACHE_SCHEMES, "redis": "django_redis.cache.RedisCache"}
    monkeypatch.setattr(environ.Env, "CACHE_SCHEMES", schemes)
    assert cache_config(url="redis://h:6379/0")["BACKEND"] == DJANGO_REDIS_BACKEND


def test_query_options_reach_django_in_the_case_it_reads() -> None:
    config = cache_config(url="redis://h:6379/0?key_prefix=site&timeout=60&socket_timeout=5")
    assert config["KEY_PREFIX"] == "site"
    assert config["TIMEOUT"] == 60
    assert config["OPTIONS"]["socket_timeout"] == 5


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("foo://x", "unknown scheme 'foo'"),
        ("redis://", "names no Redis server"),
        ("redis://h:port/0", "not a valid URL"),
        ("memcache://h:11211", "cannot be imported"),
    ],
)
def test_unusable_urls_say_why(url: str, reason: str) -> None:
    with pytest.raises(CacheUrlError, match=reason):
        cache_config(url=url)


def test_unset_is_per_process_memory_and_the_local_alias_is_separate() -> None:
    caches = settings_from(**PRODUCTION)["CACHES"]
    assert caches["default"]["BACKEND"] == LOCMEM_BACKEND
    assert caches["local"]["BACKEND"] == LOCMEM_BACKEND
    # Two LocMemCache entries with the same LOCATION would share one dictionary.
    assert caches["default"]["LOCATION"] != caches["local"]["LOCATION"]


def test_redis_url_keeps_the_local_alias_in_memory() -> None:
    caches = settings_from(**PRODUCTION, CACHE_URL="redis://127.0.0.1:6379/1")["CACHES"]
    assert caches["default"]["BACKEND"] == DJANGO_REDIS_BACKEND
    assert caches["local"]["BACKEND"] == LOCMEM_BACKEND


def test_a_bad_cache_url_is_one_problem_without_the_password() -> None:
    problems = settings_problems(
        values=settings_from(**PRODUCTION, CACHE_URL="redsi://user:hunter2@cache:6379/0")
    )
    assert len(problems) == 1
    assert "CACHE_URL" in problems[0]
    assert "redsi" in problems[0]
    assert "hunter2" not in problems[0]


def test_manage_py_refuses_a_bad_cache_url_in_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment_for_process(**PRODUCTION, CACHE_URL="redis://"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"{REFUSAL_PREFIX} CACHE_URL names no Redis server; write it as redis://host:6379/0."
    ]
