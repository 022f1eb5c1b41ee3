"""Secrets out of the log: one function for text, one logging filter for every record.

Text that came from outside (an upstream error body, an exception message) may echo a
secret: OpenRouter answers some errors with the request's headers in the body, a driver's
error may repeat the connection URL. `secrets_redact` replaces every configured secret
value, bearer tokens and Authorization headers with a marker and bounds the length.
`RedactSecretsFilter` applies it to every record the console handler writes (settings
LOGGING), so a call site that forgets still leaks nothing it knows about.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

MARKER = "[redacted]"
UPSTREAM_BODY_LIMIT = 200  # characters of an upstream error body worth keeping
RECORD_LIMIT = 10_000  # one log message; a longer one is cut (tracebacks are not)
# Shorter values would redact ordinary words; no real secret is this short.
MIN_SECRET_LENGTH = 6
SECRET_SETTINGS = (
    "SECRET_KEY",
    "OPENROUTER_API_KEY",
    "OPS_TOKEN",
    "BACKUP_S3_SECRET_KEY",
    "EMAIL_HOST_PASSWORD",
)
URL_SETTINGS = ("TASKS_REDIS_URL", "EMAIL_URL", "CACHE_URL")
# "Authorization: <anything>" up to the end of the value, and "Bearer <token>" anywhere.
_PATTERNS = (
    re.compile(r"(?i)(['\"]?(?:proxy-)?authorization['\"]?\s*[:=]\s*['\"]?)[^'\"\r\n,}]+"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
)


def _url_password(value: Any) -> str:
    if not isinstance(value, str) or "://" not in value:
        return ""
    try:
        return urlsplit(value).password or ""
    except ValueError:
        return ""


def _configured_secrets() -> Iterator[str]:
    for name in SECRET_SETTINGS:
        yield str(getattr(settings, name, "") or "")
    for name in URL_SETTINGS:
        yield _url_password(getattr(settings, name, ""))
    for database in getattr(settings, "DATABASES", {}).values():
        yield str(database.get("PASSWORD") or "")
    for cache in getattr(settings, "CACHES", {}).values():
        locations = cache.get("LOCATION") or ""
        for location in [locations] if isinstance(locations, str) else locations:
            yield _url_password(location)
        yield str((cache.get("OPTIONS") or {}).get("password") or "")
    for storage in getattr(settings, "STORAGES", {}).values():
        yield str((storage.get("OPTIONS") or {}).get("secret_key") or "")


@lru_cache(maxsize=8)
def _secret_pattern(values: tuple[str, ...]) -> re.Pattern[str] | None:
    if not values:
        return None
    # Longest first, so a secret that contains another is replaced whole.
    return re.compile("|".join(re.escape(v) for v in sorted(values, key=len, reverse=True)))


def secret_values() -> tuple[str, ...]:
    """Every secret the settings hold (read each time: tests and reloads change them)."""
    return tuple(sorted({v for v in _configured_secrets() if len(v) >= MIN_SECRET_LENGTH}))


def secrets_redact(
    *, text: str, limit: int | None = UPSTREAM_BODY_LIMIT, extra: Iterable[str] = ()
) -> str:
    """`text` without any configured secret, bearer token or Authorization value, cut to
    `limit` characters (None: no cut). `extra` adds values known only to the caller."""
    values = secret_values() + tuple(v for v in extra if len(v) >= MIN_SECRET_LENGTH)
    pattern = _secret_pattern(tuple(sorted(set(values))))
    if pattern is not None:
        text = pattern.sub(MARKER, text)
    for header in _PATTERNS:
        text = header.sub(lambda match: match.group(1) + MARKER, text)
    if limit is not None and len(text) > limit:
        text = f"{text[:limit]}... [{len(text) - limit} more characters]"
    return text


class RedactSecretsFilter(logging.Filter):
    """Rewrites each record's message (and its traceback) without secrets; drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg!r} % {record.args!r}"
        record.msg = secrets_redact(text=message, limit=RECORD_LIMIT)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = secrets_redact(text=record.exc_text, limit=None)
        if record.stack_info:
            record.stack_info = secrets_redact(text=record.stack_info, limit=None)
        return True
