"""Who may run operations: a superuser's session (with CSRF) or the OPS_TOKEN bearer."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


def ops_token_matches(*, request: HttpRequest) -> bool | None:
    """True/False when a bearer token was sent (right/wrong), None when none was sent."""
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    sent = header[7:].strip()
    expected = settings.OPS_TOKEN
    # An empty OPS_TOKEN switches token access off rather than accepting an empty token.
    if not expected or not sent:
        return False
    return hmac.compare_digest(sent.encode(), expected.encode())


def _csrf_failure(request: HttpRequest) -> HttpResponseBase | None:
    def no_view(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    checker = CsrfViewMiddleware(no_view)
    return checker.process_view(request, no_view, (), {})


def _denied(status: int, message: str) -> JsonResponse:
    response = JsonResponse({"detail": message}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="ops"'
    return response


def ops_access_denial(*, request: HttpRequest) -> JsonResponse | None:
    """None when the request may run an operation, else the 401/403 response to send."""
    token = ops_token_matches(request=request)
    if token is True:
        return None
    if token is False:
        return _denied(401, "Invalid token.")
    user = request.user
    if not user.is_authenticated:
        return _denied(401, "Sign in as a superuser or send Authorization: Bearer <OPS_TOKEN>.")
    if not (user.is_active and user.is_superuser):
        return _denied(403, "Superusers only.")
    if _csrf_failure(request) is not None:
        return _denied(403, "CSRF check failed.")
    return None


def ops_auth_required(view: ViewFunc) -> ViewFunc:
    """Token callers carry no CSRF cookie, so CSRF is checked here for session callers only."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        denial = ops_access_denial(request=request)
        if denial is not None:
            return denial
        return view(request, *args, **kwargs)

    return cast(ViewFunc, wrapper)
