"""The /ai-demo/ pages. Streaming goes through /api/chat/stream; these views stay sync."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from chat.llm.backends import llm_backend
from chat.llm.errors import ChatErrorCode
from chat.models import Message
from chat.principal import principal_resolve_sync
from chat.rendering import markdown_render
from chat.selectors import conversation_get, conversation_list, message_get, message_list
from chat.services import chat_turn_begin
from core.errors import AppError
from core.http import error_headers, page_status


def message_context(message: Message) -> dict[str, Any]:
    """What a bubble needs; assistant markdown becomes sanitised HTML here, on the server."""
    error = ""
    if message.status == Message.Status.ERROR:
        try:
            error = ChatErrorCode(message.error_code).user_message
        except ValueError:
            error = "The answer failed."
    return {
        "message": message,
        "html": markdown_render(text=message.content) if message.role == "assistant" else "",
        "error": error,
    }


@require_GET
def chat_page(request: HttpRequest) -> HttpResponse:
    principal = principal_resolve_sync(request, create_session=False)
    conversation = None
    raw_id = request.GET.get("c", "")
    if raw_id.isdigit():
        conversation = conversation_get(principal=principal, conversation_id=int(raw_id))
        if conversation is None:
            raise Http404("No such conversation.")
    messages = message_list(conversation=conversation) if conversation else []
    backend = llm_backend()
    return render(
        request,
        "chat/page.html",
        {
            "conversations": conversation_list(principal=principal)[:30],
            "conversation": conversation,
            "bubbles": [message_context(m) for m in messages],
            "model_label": backend.model_label,
            # The site-wide context processor guesses from the key; here the backend knows.
            "chat_offline": backend.offline,
            "login_required": settings.CHAT_REQUIRE_LOGIN and not request.user.is_authenticated,
            "max_chars": settings.CHAT_MAX_MESSAGE_CHARS,
        },
    )


@require_POST
def queued_send(request: HttpRequest) -> HttpResponse:
    """htmx: store the message, queue the answer, return the two bubbles (one polling)."""
    raw_id = request.POST.get("conversation_id", "")
    try:
        principal = principal_resolve_sync(request, create_session=True)
        turn = chat_turn_begin(
            principal=principal,
            text=request.POST.get("message", ""),
            conversation_id=int(raw_id) if raw_id.isdigit() else None,
            queued=True,
        )
    except AppError as exc:
        response = render(
            request, "chat/_alert.html", {"detail": exc.message}, status=page_status(exc)
        )
        for name, value in error_headers(exc).items():
            response[name] = value
        return response
    pending = turn.pending
    assert pending is not None  # a queued turn always has one
    user_message = pending.conversation.messages.filter(role=Message.Role.USER).last()
    return render(
        request,
        "chat/_queued_turn.html",
        {
            "conversation_id": pending.conversation_id,
            "bubbles": [message_context(m) for m in (user_message, pending) if m is not None],
        },
    )


@require_GET
def queued_message(request: HttpRequest, message_id: int) -> HttpResponse:
    """htmx polls this every second while the answer is pending."""
    principal = principal_resolve_sync(request, create_session=False)
    message = message_get(principal=principal, message_id=message_id)
    if message is None:
        raise Http404("No such message.")
    return render(request, "chat/_message.html", message_context(message))
