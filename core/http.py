"""HTTP for the apps: the request type views see, and the one mapping from errors to statuses.

An `AppError` answers with the status below; the API and the pages each have one table,
because a form's bad input is a 400 that re-renders the page, while a JSON client gets
422 as every other validation error of the API.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django_htmx.middleware import HtmxDetails

from core.errors import AppError, ErrorKind


class HtmxHttpRequest(HttpRequest):
    """HttpRequest as django-htmx's middleware leaves it: ``request.htmx`` is always set."""

    htmx: HtmxDetails


API_STATUS: dict[ErrorKind, int] = {
    ErrorKind.INVALID: 422,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.TOO_LARGE: 413,
    ErrorKind.RATE_LIMITED: 429,
    ErrorKind.CONFLICT: 409,
    # Upstream faults are never the client's: 5xx, the gateway family.
    ErrorKind.UPSTREAM_FAILED: 502,
    ErrorKind.UPSTREAM_BUSY: 503,
    ErrorKind.UPSTREAM_TIMEOUT: 504,
}
PAGE_STATUS: dict[ErrorKind, int] = {**API_STATUS, ErrorKind.INVALID: 400}


def api_status(error: AppError) -> int:
    return API_STATUS[error.kind]


def page_status(error: AppError) -> int:
    return PAGE_STATUS[error.kind]


def error_headers(error: AppError) -> dict[str, str]:
    headers: dict[str, str] = {}
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    if error.kind is ErrorKind.UNAUTHENTICATED:
        headers["WWW-Authenticate"] = "Bearer"
    return headers


def api_error_response(error: AppError) -> JsonResponse:
    """Every API error body: ``{"detail": message, "code": code}``."""
    return api_error_body(
        detail=error.message,
        code=error.code,
        status=api_status(error),
        headers=error_headers(error),
    )


def api_error_body(
    *, detail: str, code: str, status: int, headers: dict[str, str] | None = None
) -> JsonResponse:
    """The one error shape, for errors raised outside the services (the framework's own)."""
    return JsonResponse({"detail": detail, "code": code}, status=status, headers=headers)
