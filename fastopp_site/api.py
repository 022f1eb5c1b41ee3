"""The JSON API: one django-ninja instance, one router per app, docs at /api/docs."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from catalog.api import router as catalog_router
from catalog.reports.api import router as reports_router
from chat.api import router as chat_router
from core.errors import AppError
from core.http import api_error_body, api_error_response
from fastopp_site.minimal_mode import demo_only
from platform_ops.api import router as ops_router
from webinars.api import router as webinars_router

api = NinjaAPI(
    title="FastOpp Django API",
    version="1.0.0",
    description="JSON endpoints of FastOpp Django, compatible with FastOpp's paths.",
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api",
)


@api.exception_handler(AppError)
def app_error(request: HttpRequest, exc: AppError) -> HttpResponse:
    # The one place where an application error becomes an API status.
    return api_error_response(exc)


# The framework's own refusals, in the same shape as AppError's. Codes clients switch on:
# malformed_json (400), login_required (401), forbidden (403), not_found (404),
# body_too_large (413), invalid_body / invalid_text / invalid_input (422), rate_limited (429).
HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "login_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    429: "rate_limited",
}


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    detail, code = validation_summary(exc.errors)
    return api_error_body(detail=detail, code=code, status=422)


def validation_summary(errors: list[dict[str, Any]]) -> tuple[str, str]:
    """One sentence and one code for pydantic's list: the first error is the one reported."""
    if not errors:
        return "The request is not valid.", "invalid_input"
    error = errors[0]
    # ("body", "payload", "price") -> "price"; the source and ninja's wrapper name say nothing
    loc = [str(part) for part in error.get("loc", ())]
    loc = loc[2:] if loc[:1] == ["body"] else loc[1:]
    kind = str(error.get("type", ""))
    if kind in {"model_type", "model_attributes_type", "dict_type"} and not loc:
        return "The request body must be a JSON object.", "invalid_body"
    # pydantic-core itself refuses a lone surrogate (string_unicode); core.limits a NUL
    code = "invalid_text" if kind in {"invalid_text", "string_unicode"} else "invalid_input"
    message = str(error.get("msg", "Invalid value."))
    return (f"{'.'.join(loc)}: {message}" if loc else message), code


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    headers: dict[str, str] = {}
    detail = str(exc)
    if isinstance(exc, AuthenticationError):
        detail = "Send Authorization: Bearer <API token>, or sign in."
        headers["WWW-Authenticate"] = "Bearer"
    elif isinstance(exc, AuthorizationError):
        detail = "You may not do this."
    elif isinstance(exc, Throttled) and exc.wait:
        headers["Retry-After"] = str(exc.wait)
    code = HTTP_ERROR_CODES.get(status, "error")
    if status == 400 and detail.startswith("Cannot parse request body"):
        # ninja's message may quote the parser's exception under DEBUG; say it plainly
        detail, code = "The request body is not valid JSON.", "malformed_json"
    return api_error_body(detail=detail, code=code, status=status, headers=headers)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api_error_body(detail="Not found.", code="not_found", status=404)


@api.exception_handler(RequestDataTooBig)
def body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # Django's DATA_UPLOAD_MAX_MEMORY_SIZE, below the ASGI guard's cap (body_limit).
    return api_error_body(detail="Request body too large.", code="body_too_large", status=413)


# The demo apps' endpoints, switched off per request by MINIMAL_MODE.
demo_router = Router()
demo_router.add_decorator(demo_only, mode="view")
demo_router.add_router("/", catalog_router)
demo_router.add_router("/", webinars_router)
demo_router.add_router("/", chat_router)
api.add_router("/", demo_router)
api.add_router("/", reports_router)
api.add_router("/", ops_router)


def _method_not_allowed_as_json(response: HttpResponseBase) -> HttpResponseBase:
    if response.status_code != 405:
        return response
    allowed = response.get("Allow", "")
    return api_error_body(
        detail=f"This path allows {allowed}." if allowed else "Method not allowed.",
        code="method_not_allowed",
        status=405,
        headers={"Allow": allowed} if allowed else None,
    )


def _json_405(view: Callable[..., Any]) -> Callable[..., Any]:
    """ninja answers a wrong method with a text/plain 405 from inside its path view, where
    no exception handler sees it; this gives that answer the API's error shape."""
    if iscoroutinefunction(view):

        @functools.wraps(view)
        async def async_wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            return _method_not_allowed_as_json(await view(request, *args, **kwargs))

        return markcoroutinefunction(async_wrapped)

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return _method_not_allowed_as_json(view(request, *args, **kwargs))

    return wrapped


def api_urls() -> tuple[list[URLResolver | URLPattern], str, str]:
    """``api.urls`` for the URL conf, every path view answering 405 in the error shape."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _json_405(pattern.callback)
    return patterns, app_name, namespace
