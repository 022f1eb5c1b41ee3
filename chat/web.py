"""Who is asking, and may they: shared by the JSON API and the pages."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections
from django.http import HttpRequest, JsonResponse

from accounts.access import Caller, caller_aresolve, client_ip
from chat.llm import ChatErrorCode
from chat.selectors import ChatPrincipal
from chat.services import (
    ChatRejected,
    ChatTurn,
    chat_turn_start,
    message_validate,
    rate_limit_consume,
)
from core.errors import AppError
from core.http import api_status

_LOGIN_REQUIRED = ChatRejected(status=401, code="login_required", detail="Log in to use the chat.")


def _principal(caller: Caller) -> ChatPrincipal | None:
    if caller.user is not None:
        return ChatPrincipal(user_id=caller.user.pk, session_key="", ip=caller.ip)
    if settings.CHAT_REQUIRE_LOGIN:
        raise _LOGIN_REQUIRED
    return None


async def principal_resolve(request: HttpRequest) -> ChatPrincipal:
    """The caller behind an API request: a bearer token, or the browser's session cookie."""
    try:
        caller = await caller_aresolve(request)
    except AppError as exc:
        raise ChatRejected(status=api_status(exc), code=exc.code, detail=exc.message) from exc
    principal = _principal(caller)
    if principal is not None:
        return principal
    await request.session.aload()
    if request.session.session_key is None:
        await request.session.asave()
    return ChatPrincipal(user_id=None, session_key=request.session.session_key or "", ip=caller.ip)


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


def _turn_begin(*, principal: ChatPrincipal, text: str, conversation_id: int | None) -> ChatTurn:
    text = message_validate(text=text)
    rate_limit_consume(principal=principal)
    turn = chat_turn_start(principal=principal, text=text, conversation_id=conversation_id)
    close_old_connections()  # the stream that follows may last minutes
    return turn


async def turn_begin(
    request: HttpRequest, *, text: str, conversation_id: int | None
) -> tuple[ChatPrincipal, ChatTurn]:
    """Check who, validate, count against limits and store the user's message."""
    principal = await principal_resolve(request)
    turn = await sync_to_async(_turn_begin)(
        principal=principal, text=text, conversation_id=conversation_id
    )
    return principal, turn


def rejected_response(exc: ChatRejected) -> JsonResponse:
    response = JsonResponse({"detail": exc.detail, "code": exc.code}, status=exc.status)
    if exc.retry_after is not None:
        response["Retry-After"] = str(exc.retry_after)
    return response


def llm_error_response(code: ChatErrorCode) -> JsonResponse:
    return JsonResponse({"detail": code.user_message, "code": code.value}, status=code.http_status)
