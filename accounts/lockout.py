"""Sign-in throttling: django-axes' database handler with one limit per lockout rule.

Axes compares one failure count with one limit (AXES_FAILURE_LIMIT). The project has two
rules (settings: LOGIN_FAILURES_PER_EMAIL_AND_IP for an email from one address,
LOGIN_FAILURES_PER_IP for one address whatever the email), so the handler shifts each
rule's count to reach AXES_FAILURE_LIMIT exactly when that rule's own limit is reached.

Counts live in the database (axes' AccessAttempt), so every web process and machine
sees the same ones; no cache is involved.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.access import client_ip

# AccessAttempt.username is 255 characters; an email field accepts up to 320.
_USERNAME_MAX = 255


def login_email(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The email a sign-in names, as the throttle counts it (AXES_USERNAME_CALLABLE).

    Sign-in is case-insensitive, so "Ann@" and "ann@" must share one count.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    value = credentials.get(field) if credentials else request.POST.get(field)
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lower()[:_USERNAME_MAX]


def login_client_ip(request: HttpRequest) -> str | None:
    """The client address as the throttle stores it (AXES_CLIENT_IP_CALLABLE).

    The project's own `client_ip` (REMOTE_ADDR, never a header), except that its "unknown"
    (no address given, e.g. a Unix socket) becomes NULL: axes stores addresses in an IP
    column, which PostgreSQL refuses a non-address for. All such clients share one count.
    """
    ip = client_ip(request)
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return None


def _rule_limit(parameters: str | Sequence[str]) -> int:
    names = {parameters} if isinstance(parameters, str) else set(parameters)
    if names == {"ip_address"}:
        return int(settings.LOGIN_FAILURES_PER_IP)
    return int(settings.LOGIN_FAILURES_PER_EMAIL_AND_IP)


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


class LoginLockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes ships no types
    """AXES_HANDLER: the database handler, with a limit per rule and a narrower reset."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        rules = get_lockout_parameters(request, credentials)
        attempts = self.get_user_attempts(request, credentials)
        limit = int(settings.AXES_FAILURE_LIMIT)
        return max(
            _failures(rule_attempts) - _rule_limit(rule) + limit
            for rule, rule_attempts in zip(rules, attempts, strict=True)
        )

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        # Axes would delete every rule's rows, the whole address's included: anyone with an
        # account could then wipe the per-address count by signing in between guesses.
        # A success forgives only that email's failures from that address.
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
        ).delete()
        return int(count)


def lockout_seconds(request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
    """Seconds until this request's sign-in would be let through again (at least 1)."""
    cool_off = get_cool_off(request) or timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    handler = AxesProxyHandler.get_implementation()
    now = timezone.now()
    wait = 0.0
    rules = get_lockout_parameters(request, credentials)
    for rule, attempts in zip(rules, handler.get_user_attempts(request, credentials), strict=True):
        limit = _rule_limit(rule)
        rows = sorted(attempts.values_list("attempt_time", "failures_since_start"))
        total = sum(failures for _, failures in rows)
        # Each row counts until its latest failure is older than the cool-off; the lock
        # ends when enough of the oldest rows have aged out to bring the sum under the limit.
        for attempt_time, failures in rows:
            if total < limit:
                break
            total -= failures
            wait = max(wait, (attempt_time + cool_off - now).total_seconds())
    if wait <= 0:
        wait = cool_off.total_seconds()  # locked by rows that just aged out: the safe answer
    return max(1, math.ceil(wait))


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the 429 page for the site's and the admin's login.

    Axes' async middleware passes the credentials in the wrong position, so they are read
    from the request, where the handler left them.
    """
    credentials = getattr(request, "axes_credentials", None)
    seconds = lockout_seconds(request, credentials)
    response = render(
        request,
        "accounts/locked_out.html",
        {"minutes": math.ceil(seconds / 60)},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(seconds)
    return response
