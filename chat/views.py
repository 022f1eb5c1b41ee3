"""The /ai-demo/ pages. Streaming goes through /api/chat/stream; these views stay sync."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from chat.llm import ChatErrorCode, LLMConfig
from chat.models import Message
from chat.rendering import markdown_render
from chat.selectors import conversation_get, conversation_list, message_get, message_list
from chat.services import ChatRejected, chat_turn_enqueue, message_validate, rate_limit_consume
from chat.web import principal_resolve_sync


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
    config = LLMConfig.from_settings()
    return render(
        request,
        "chat/page.html",
        {
            "conversations": conversation_list(principal=principal)[:30],
            "conversation": conversation,
            "bubbles": [message_context(m) for m in messages],
            "model_label": config.model_label,
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
        text = message_validate(text=request.POST.get("message", ""))
        rate_limit_consume(principal=principal)
        pending = chat_turn_enqueue(
            principal=principal,
            text=text,
            conversation_id=int(raw_id) if raw_id.isdigit() else None,
        )
    except ChatRejected as exc:
        response = render(request, "chat/_alert.html", {"detail": exc.detail}, status=exc.status)
        if exc.retry_after is not None:
            response["Retry-After"] = str(exc.retry_after)
        return response
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
