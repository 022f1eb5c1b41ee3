"""FastOpp's chat endpoints: `/api/chat`, `/api/chat/stream`, and the queued `/api/chat/queued`.

Browsers call them with the session cookie and the CSRF token; scripts with
`Authorization: Bearer <token>`. Every refusal is JSON `{"detail", "code"}`.
"""

from __future__ import annotations

import logging

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from ninja import Router, Schema

from chat.llm import LLMConfig, LLMError, llm_complete
from chat.rendering import markdown_render
from chat.services import ChatRejected, chat_turn_enqueue, message_validate, rate_limit_consume
from chat.streaming import chat_sse_response, turn_finish_and_release
from chat.web import llm_error_response, principal_resolve, rejected_response, turn_begin
from core.schemas import ErrorOut
from core.tasks import TaskResultStatus

router = Router(tags=["chat"])
logger = logging.getLogger(__name__)


class ChatIn(Schema):
    message: str
    conversation_id: int | None = None


class ChatOut(Schema):
    response: str
    raw_response: str
    model: str
    offline: bool
    conversation_id: int
    message_id: int


class ChatErrorOut(ErrorOut):
    code: str


class QueuedOut(Schema):
    task_id: str
    status: str
    message_id: int
    conversation_id: int


ERRORS = {code: ChatErrorOut for code in (401, 403, 404, 413, 422, 429, 502, 503, 504)}


@router.post("/chat", response={200: ChatOut, **ERRORS})
async def chat(request: HttpRequest, payload: ChatIn) -> HttpResponse:
    """The whole answer at once, as sanitised HTML (`response`) and markdown (`raw_response`)."""
    try:
        _, turn = await turn_begin(
            request, text=payload.message, conversation_id=payload.conversation_id
        )
    except ChatRejected as exc:
        return rejected_response(exc)
    config = LLMConfig.from_settings()
    finish = sync_to_async(turn_finish_and_release)
    try:
        text = await llm_complete(messages=turn.history, config=config)
    except LLMError as exc:
        logger.warning("chat request failed: %s", exc)
        await finish(turn=turn, model=config.model_label, error=exc.code)
        return llm_error_response(exc.code)
    message = await finish(turn=turn, model=config.model_label, text=text)
    return JsonResponse(
        {
            "response": markdown_render(text=text),
            "raw_response": text,
            "model": config.model_label,
            "offline": config.offline,
            "conversation_id": turn.conversation_id,
            "message_id": message.pk,
        }
    )


@router.post("/chat/stream", response={200: None, **ERRORS})
async def chat_stream(request: HttpRequest, payload: ChatIn) -> HttpResponseBase:
    """Server-Sent Events: `meta`, `delta`..., then `done` or `error`, then `data: [DONE]`."""
    try:
        _, turn = await turn_begin(
            request, text=payload.message, conversation_id=payload.conversation_id
        )
    except ChatRejected as exc:
        return rejected_response(exc)
    return chat_sse_response(
        turn=turn, config=LLMConfig.from_settings(), heartbeat=settings.CHAT_HEARTBEAT_SECONDS
    )


@router.post("/chat/queued", response={202: QueuedOut, **ERRORS})
async def chat_queued(request: HttpRequest, payload: ChatIn) -> HttpResponse:
    """Store the message and queue the answer; poll `GET /api/tasks/{task_id}` for it."""
    try:
        principal = await principal_resolve(request)
        text = message_validate(text=payload.message)
        await sync_to_async(rate_limit_consume)(principal=principal)
        pending = await sync_to_async(chat_turn_enqueue)(
            principal=principal, text=text, conversation_id=payload.conversation_id
        )
    except ChatRejected as exc:
        return rejected_response(exc)
    return JsonResponse(
        {
            "task_id": pending.task_id,
            "status": TaskResultStatus.READY.value,
            "message_id": pending.pk,
            "conversation_id": pending.conversation_id,
        },
        status=202,
    )
