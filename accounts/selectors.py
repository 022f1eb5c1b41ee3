"""Reads of the accounts app that views and guards ask; writes live in services."""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache

from accounts.services import throttle_key


def throttle_wait_seconds(*, scope: str, subject: str, limit: int) -> int | None:
    """Seconds until ``subject``'s window ends once it holds ``limit`` events; else None."""
    key = throttle_key(scope=scope, subject=subject)
    values = cache.get_many([key, f"{key}:until"])
    if int(values.get(key) or 0) < limit:
        return None
    until = values.get(f"{key}:until")
    if until is None:  # the count outlived its end marker by a moment
        return 1
    return max(1, math.ceil(float(until) - time.time()))


def api_token_lockout_seconds(*, ip: str) -> int | None:
    """How long bearer calls from ``ip`` are refused, or None when they are not."""
    return throttle_wait_seconds(
        scope="api-token", subject=ip, limit=settings.API_TOKEN_FAILURES_PER_IP
    )


def password_reset_wait_seconds(*, ip: str) -> int | None:
    """How long password-reset requests from ``ip`` are refused, or None when they are not."""
    return throttle_wait_seconds(
        scope="password-reset-ip", subject=ip, limit=settings.PASSWORD_RESETS_PER_IP
    )
