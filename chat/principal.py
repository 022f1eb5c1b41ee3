"""Who is chatting: a user (session or API token), or an anonymous browser session.

Authentication itself is `accounts.access`; this adds what only the chat needs: the
login requirement (CHAT_REQUIRE_LOGIN) and a session for anonymous visitors, whose
conversations belong to it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from accounts.access import Caller, caller_aresolve, client_ip
from chat.selectors import ChatPrincipal
from core.errors import AppError, ErrorKind


def _login_required() -> AppError:
    return AppError(
        "Log in to use the chat.", kind=ErrorKind.UNAUTHENTICATED, code="login_required"
    )


def _principal(caller: Caller) -> ChatPrincipal | None:
    if caller.user is not None:
        return ChatPrincipal(user_id=caller.user.pk, session_key="", ip=caller.ip)
    if settings.CHAT_REQUIRE_LOGIN:
        raise _login_required()
    return None


async def principal_resolve(request: HttpRequest) -> ChatPrincipal:
    """The caller behind an API request: a bearer token, or the browser's session cookie."""
    caller = await caller_aresolve(request)
    principal = _principal(caller)
    if principal is not None:
        return principal
    await request.session.aload()
    if request.session.session_key is None:
        await request.session.asave()
    return ChatPrincipal(user_id=None, session_key=request.session.session_key or "", ip=caller.ip)


def principal_of(request: HttpRequest, caller: Caller) -> ChatPrincipal:
    """The chat principal of an already resolved caller; never creates a session."""
    if caller.user is not None:
        return ChatPrincipal(user_id=caller.user.pk, session_key="", ip=caller.ip)
    return ChatPrincipal(user_id=None, session_key=request.session.session_key or "", ip=caller.ip)


def principal_resolve_sync(request: HttpRequest, *, create_session: bool) -> ChatPrincipal:
    """The pages' version: Django's middleware has already checked CSRF."""
    ip = client_ip(request)
    if request.user.is_authenticated:
        return ChatPrincipal(user_id=request.user.pk, session_key="", ip=ip)
    if settings.CHAT_REQUIRE_LOGIN and create_session:
        raise _login_required()
    if request.session.session_key is None and create_session:
        request.session.save()
    return ChatPrincipal(user_id=None, session_key=request.session.session_key or "", ip=ip)
