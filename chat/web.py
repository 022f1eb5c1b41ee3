"""Who is asking, and may they: shared by the JSON API and the pages."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware

from accounts.services import api_token_authenticate
from chat.selectors import ChatPrincipal
from core.errors import AppError, ErrorKind


def client_ip(request: HttpRequest) -> str:
    # Behind a proxy REMOTE_ADDR is the proxy; set it from X-Forwarded-For in the server
    # (uvicorn --proxy-headers / --forwarded-allow-ips), not here, where it can be forged.
    return request.META.get("REMOTE_ADDR") or "unknown"


def _bearer_token(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _token_user_id(token: str) -> int | None:
    user = api_token_authenticate(raw=token)
    return user.pk if user is not None else None


def _csrf_ok(request: HttpRequest) -> bool:
    middleware = CsrfViewMiddleware(lambda _request: HttpResponse())
    request.csrf_processing_done = False  # type: ignore[attr-defined]
    middleware.process_request(request)
    return middleware.process_view(request, lambda _request: HttpResponse(), (), {}) is None


_CSRF_FAILED = AppError(
    "The page's security token is missing or stale. Reload the page and try again.",
    kind=ErrorKind.FORBIDDEN,
    code="csrf_failed",
)
_LOGIN_REQUIRED = AppError(
    "Log in to use the chat.", kind=ErrorKind.UNAUTHENTICATED, code="login_required"
)
_BAD_TOKEN = AppError(
    "The API token is not valid.", kind=ErrorKind.UNAUTHENTICATED, code="invalid_token"
)


async def principal_resolve(request: HttpRequest) -> ChatPrincipal:
    """The caller behind an API request: a bearer token, or the browser's session cookie."""
    ip = client_ip(request)
    token = _bearer_token(request)
    if token is not None:
        # No cookie is involved, so no cross-site request can forge this: no CSRF check.
        user_id = await sync_to_async(_token_user_id)(token)
        if user_id is None:
            raise _BAD_TOKEN
        return ChatPrincipal(user_id=user_id, session_key="", ip=ip)
    # The browser sends the session cookie with any site's request: require the CSRF token.
    if not _csrf_ok(request):
        raise _CSRF_FAILED
    user = await request.auser()
    if user.is_authenticated:
        return ChatPrincipal(user_id=user.pk, session_key="", ip=ip)
    if settings.CHAT_REQUIRE_LOGIN:
        raise _LOGIN_REQUIRED
    await request.session.aload()
    if request.session.session_key is None:
        await request.session.asave()
    return ChatPrincipal(user_id=None, session_key=request.session.session_key or "", ip=ip)


def principal_resolve_sync(request: HttpRequest, *, create_session: bool) -> ChatPrincipal:
    """The pages' version: Django's middleware has already checked CSRF."""
    ip = client_ip(request)
    if request.user.is_authenticated:
        return ChatPrincipal(user_id=request.user.pk, session_key="", ip=ip)
    if settings.CHAT_REQUIRE_LOGIN and create_session:
        raise _LOGIN_REQUIRED
    if request.session.session_key is None and create_session:
        request.session.save()
    return ChatPrincipal(user_id=None, session_key=request.session.session_key or "", ip=ip)
