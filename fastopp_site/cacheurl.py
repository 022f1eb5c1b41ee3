"""CACHE_URL: which cache the processes of one site share (the local-memory cache when unset).

django-environ parses the URL. For ``redis://`` it picks django-redis when that package
happens to be installed and Django's own backend otherwise, so the backend would change
with whatever else is in the venv; here a Redis URL always gets Django's built-in
``RedisCache`` (redis-py, pinned in requirements.txt).
"""

from __future__ import annotations

import importlib.util
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

DJANGO_REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"
LOCMEM_BACKEND = "django.core.cache.backends.locmem.LocMemCache"
REDIS_SCHEMES = frozenset({"redis", "rediss", "rediscache", "valkey", "valkeys"})
REDIS_TIMEOUT_SECONDS = 2.0
_BASE_OPTIONS = frozenset({"TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION"})
# What CACHE_URL is when unset: one cache per process.
DEFAULT_CACHE_URL = "locmemcache://fastopp-default"


class CacheUrlError(ValueError):
    """CACHE_URL cannot be used; the message says why without repeating the URL (passwords)."""


def cache_config(*, url: str) -> dict[str, Any]:
    """The CACHES entry for `url`, or CacheUrlError with a one-line reason."""
    try:
        parts = urlsplit(url)
        _port = parts.port  # raises ValueError for a port that is not a number
    except ValueError as exc:
        raise CacheUrlError(f"CACHE_URL is not a valid URL ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme in REDIS_SCHEMES:
        if not parts.hostname and not parts.path.strip("/"):
            raise CacheUrlError("CACHE_URL names no Redis server; write it as redis://host:6379/0")
        if importlib.util.find_spec("redis") is None:
            raise CacheUrlError(
                "CACHE_URL is a Redis URL but redis-py is missing: pip install redis"
            )
        backend: str | None = DJANGO_REDIS_BACKEND
    else:
        backend = None
    try:
        config: dict[str, Any] = environ.Env.cache_url_config(url, backend=backend)
    except ImproperlyConfigured as exc:
        raise CacheUrlError(
            f"CACHE_URL has an unknown scheme {scheme or '(none)'!r}; use redis://host:6379/0 "
            "(rediss:// for TLS), or leave it unset for the local-memory cache"
        ) from exc
    if not config:
        raise CacheUrlError("CACHE_URL is empty; unset it for the local-memory cache")
    # django-environ lower-cases every query key for Django's RedisCache, KEY_PREFIX too,
    # which Django would then ignore.
    for key in [k for k in config if k.upper() in _BASE_OPTIONS and k != k.upper()]:
        config[key.upper()] = config.pop(key)
    if backend == DJANGO_REDIS_BACKEND:
        # redis-py waits forever by default; a stalled server would hang every page that
        # reads the catalog. The URL's own ?socket_timeout=... wins.
        options = config.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", REDIS_TIMEOUT_SECONDS)
        options.setdefault("socket_timeout", REDIS_TIMEOUT_SECONDS)
    try:
        import_string(config["BACKEND"])
    except ImportError as exc:
        # memcache:// names MemcachedCache, which Django 4.1 removed.
        raise CacheUrlError(
            f"CACHE_URL's backend {config['BACKEND']} cannot be imported ({exc})"
        ) from exc
    return config
