"""FastOpp's chat endpoints: `/api/chat`, `/api/chat/stream`, and the queued `/api/chat/queued`.

Browsers call them with the session cookie and the CSRF token; scripts with
`Authorization: Bearer <token>`. Every refusal is an AppError, which the API's handler
answers as JSON `{"detail", "code"}`.
"""

from __future__ import annotations

import logging
from typing import Annotated

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from ninja import Router, Schema

from chat.llm.backends import llm_backend
from chat.llm.errors import LLMError
from chat.models import Conversation
from chat.principal import principal_resolve
from chat.rendering import markdown_render
from chat.services import ChatTurn, chat_turn_begin
from chat.streaming import chat_sse_response, turn_begin_and_release, turn_finish_and_release
from core import limits
from core.schemas import api_responses
from core.tasks import TaskResultStatus

router = Router(tags=["chat"])
logger = logging.getLogger(__name__)


class ChatIn(limits.InputSchema):
    # The message's length has its own check and code (message_too_long) in chat.services.
    message: limits.Text
    conversation_id: Annotated[int, limits.primary_key(Conversation)] | None = None


class ChatOut(Schema):
    response: str
    raw_response: str
    model: str
    offline: bool
    conversation_id: int
    message_id: int


class QueuedOut(Schema):
    task_id: str
    status: str
    message_id: int
    conversation_id: int


# 401/403: login required, bad token, CSRF; 404: someone else's conversation; 429: rate
# limit or quota; 502-504: the model's service failed.
ERRORS = api_responses({}, demo=True, body=True, auth=True, errors=[404, 429, 502, 503, 504])


# One event of the stream (chat.streaming): a named event whose data is JSON text, or the
# closing unnamed `data: [DONE]` (an unnamed event is a "message" in SSE).
SSE_EVENT_SCHEMA = {
    "type": "object",
    "properties": {
        "event": {"type": "string", "enum": ["meta", "delta", "done", "error", "message"]},
        "data": {"type": "string"},
    },
    "required": ["data"],
}


async def _turn_begin(request: HttpRequest, payload: ChatIn) -> ChatTurn:
    """Check who, then start the turn; the model is asked next, so release the connection."""
    principal = await principal_resolve(request)
    return await sync_to_async(turn_begin_and_release)(
        principal=principal, text=payload.message, conversation_id=payload.conversation_id
    )


@router.post("/chat", response={200: ChatOut, **ERRORS})
async def chat(request: HttpRequest, payload: ChatIn) -> HttpResponse:
    """The whole answer at once, as sanitised HTML (`response`) and markdown (`raw_response`)."""
    turn = await _turn_begin(request, payload)
    backend = llm_backend()
    finish = sync_to_async(turn_finish_and_release)
    try:
        text = await backend.complete(messages=turn.history)
    except LLMError as exc:
        logger.warning("chat request failed: %s", exc)
        await finish(turn=turn, model=backend.model_label, error=exc.code)
        raise
    message = await finish(turn=turn, model=backend.model_label, text=text)
    return JsonResponse(
        {
            "response": markdown_render(text=text),
            "raw_response": text,
            "model": backend.model_label,
            "offline": backend.offline,
            "conversation_id": turn.conversation_id,
            "message_id": message.pk,
        }
    )


@router.post(
    "/chat/stream",
    response={200: None, **ERRORS},
    openapi_extra={
        "responses": {
            200: {
                "description": "Server-Sent Events",
                "content": {"text/event-stream": {"schema": SSE_EVENT_SCHEMA}},
            }
        }
    },
)
async def chat_stream(request: HttpRequest, payload: ChatIn) -> HttpResponseBase:
    """Server-Sent Events: `meta`, `delta`..., then `done` or `error`, then `data: [DONE]`."""
    turn = await _turn_begin(request, payload)
    return chat_sse_response(
        turn=turn, backend=llm_backend(), heartbeat=settings.CHAT_HEARTBEAT_SECONDS
    )


@router.post("/chat/queued", response={202: QueuedOut, **ERRORS})
async def chat_queued(request: HttpRequest, payload: ChatIn) -> HttpResponse:
    """Store the message and queue the answer; poll `GET /api/tasks/{task_id}` for it."""
    principal = await principal_resolve(request)
    turn = await sync_to_async(chat_turn_begin)(
        principal=principal,
        text=payload.message,
        conversation_id=payload.conversation_id,
        queued=True,
    )
    pending = turn.pending
    assert pending is not None  # a queued turn always has one
    return JsonResponse(
        {
            "task_id": pending.task_id,
            "status": TaskResultStatus.READY.value,
            "message_id": pending.pk,
            "conversation_id": pending.conversation_id,
        },
        status=202,
    )
