"""Who is asking, and may they: the one auth layer of the project.

A request is authenticated in one of three ways, tried in this order:

- ``Authorization: Bearer <OPS_TOKEN>``: the operator's token, for operations only;
- ``Authorization: Bearer fo_...``: a personal API token (scripts);
- the browser's session cookie.

A bearer header involves no cookie, so no other site can make a browser send it: token
callers need no CSRF token. A cookie is sent with any site's request, so every unsafe
request authenticated by the session must carry the CSRF token (`csrf_passes`). Django's
CSRF middleware applies that rule to ordinary views; the views that also accept bearer
tokens are exempt from the middleware and call `caller_resolve`, which applies it itself.
"""

from __future__ import annotations

import hmac
import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import api_token_lockout_seconds
from accounts.services import api_token_authenticate, api_token_failure_record
from core.errors import AppError, ErrorKind

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class Via(StrEnum):
    OPS_TOKEN = "ops_token"  # noqa: S105 (a label, not a secret)
    API_TOKEN = "api_token"  # noqa: S105
    SESSION = "session"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Caller:
    """The resolved caller of one request."""

    via: Via
    user: User | None  # the token's or the session's user; None for anonymous and ops
    ip: str

    @property
    def may_operate(self) -> bool:
        """Operations (init-demo, backups, every task result): the ops token or a superuser."""
        return self.via is Via.OPS_TOKEN or (self.user is not None and user_is_superuser(self.user))


def _invalid_token() -> AppError:
    # A new instance per raise: a shared one would carry one request's traceback into the next.
    return AppError(
        "The API token is not valid.", kind=ErrorKind.UNAUTHENTICATED, code="invalid_token"
    )


def _csrf_failed() -> AppError:
    return AppError(
        "The page's security token is missing or stale. Reload the page and try again.",
        kind=ErrorKind.FORBIDDEN,
        code="csrf_failed",
    )


def client_ip(request: HttpRequest) -> str:
    # Behind a proxy REMOTE_ADDR is the proxy; the server sets it from X-Forwarded-For
    # (uvicorn --proxy-headers / --forwarded-allow-ips), not this code, where it can be forged.
    return request.META.get("REMOTE_ADDR") or "unknown"


def bearer_token(request: HttpRequest) -> str | None:
    """The token of an ``Authorization: Bearer`` header; "" when the header names no token."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def ops_token_valid(*, token: str) -> bool:
    expected = settings.OPS_TOKEN
    # An empty OPS_TOKEN switches token access off rather than accepting an empty token.
    return bool(expected and token) and hmac.compare_digest(token.encode(), expected.encode())


def _no_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def csrf_passes(request: HttpRequest) -> bool:
    """Django's own CSRF check, for views the middleware exempts because of token callers."""
    if request.method in SAFE_METHODS:
        return True
    checker = CsrfViewMiddleware(_no_view)
    # The middleware marks exempt views' requests as done; the check must run all the same.
    request.csrf_processing_done = False  # type: ignore[attr-defined]
    checker.process_request(request)
    return checker.process_view(request, _no_view, (), {}) is None


def _session_caller(request: HttpRequest, user: User | AnonymousUser) -> Caller:
    if not csrf_passes(request):
        raise _csrf_failed()
    if isinstance(user, User) and user.is_authenticated and user.is_active:
        return Caller(via=Via.SESSION, user=user, ip=client_ip(request))
    return Caller(via=Via.ANONYMOUS, user=None, ip=client_ip(request))


def _too_many_bad_tokens(seconds: int) -> AppError:
    minutes = math.ceil(seconds / 60)
    return AppError(
        f"Too many invalid API tokens from this address. Try again in {minutes} "
        f"minute{'s' if minutes != 1 else ''}.",
        kind=ErrorKind.RATE_LIMITED,
        code="too_many_invalid_tokens",
        retry_after=seconds,
    )


def _token_caller(request: HttpRequest, token: str) -> Caller:
    ip = client_ip(request)
    # While an address is locked no token from it is even looked at, a valid one included:
    # otherwise a guess that hit would still be told apart from the misses.
    wait = api_token_lockout_seconds(ip=ip)
    if wait is not None:
        raise _too_many_bad_tokens(wait)
    if ops_token_valid(token=token):
        return Caller(via=Via.OPS_TOKEN, user=None, ip=ip)
    user = api_token_authenticate(raw=token)
    if user is None:
        api_token_failure_record(ip=ip)
        raise _invalid_token()
    # Code further on reads request.user, as it does for session callers.
    request.user = user
    return Caller(via=Via.API_TOKEN, user=user, ip=ip)


def caller_resolve(request: HttpRequest) -> Caller:
    """Who sent this request; raises AppError for a bad token or a session write without CSRF."""
    token = bearer_token(request)
    if token is not None:
        return _token_caller(request, token)
    return _session_caller(request, request.user)


async def caller_aresolve(request: HttpRequest) -> Caller:
    """`caller_resolve` for async views: the database is only touched in a thread."""
    token = bearer_token(request)
    if token is not None:
        return await sync_to_async(_token_caller)(request, token)
    return _session_caller(request, await request.auser())


# --- Roles ---------------------------------------------------------------------------


def user_is_staff(*, user: User | AnonymousUser) -> bool:
    """Signed in, active and marked staff: who may open the staff pages."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def user_is_superuser(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def user_roles(*, user: User | AnonymousUser) -> list[Role]:
    """The roles whose groups the user belongs to, sorted (what the protected page shows)."""
    if not user.is_authenticated:
        return []
    names = set(user.groups.values_list("name", flat=True))
    return sorted(role for role in Role if role.value in names)


def user_acting_roles(*, user: User | AnonymousUser) -> frozenset[Role]:
    """The roles a user acts in: an active staff member's groups; a superuser acts in all."""
    if not user_is_staff(user=user):
        return frozenset()
    if user.is_superuser:
        return frozenset(Role)
    return frozenset(user_roles(user=user))


def user_has_role(*, user: User | AnonymousUser, roles: Iterable[Role]) -> bool:
    """Active staff holding one of ``roles``; a superuser holds every role."""
    return not user_acting_roles(user=user).isdisjoint(roles)
