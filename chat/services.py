"""Writes for the chat: limits, turns (the user's message and the model's answer), the queue.

Every function here is synchronous and may run several writes in one transaction; async
views call them through `sync_to_async`, before and after a stream, never during one.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from chat.llm.backends import llm_backend
from chat.llm.backends.base import BaseLLMBackend
from chat.llm.errors import ChatErrorCode, LLMError
from chat.llm.messages import ChatMessage
from chat.llm.pool import scoped_client
from chat.models import Conversation, Message, RateCounter
from chat.selectors import ChatPrincipal, conversation_get, history_for_model
from core.errors import AppError, ErrorKind

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChatTurn:
    conversation_id: int
    user_message_id: int
    history: list[ChatMessage]
    pending: Message | None = None  # queued turns: the answer a worker will fill in


def message_validate(*, text: str) -> str:
    text = text.strip()
    if not text:
        raise AppError("Type a message first.", kind=ErrorKind.INVALID, code="empty_message")
    limit = settings.CHAT_MAX_MESSAGE_CHARS
    if len(text) > limit:
        raise AppError(
            f"Messages are limited to {limit} characters; this one has {len(text)}.",
            kind=ErrorKind.TOO_LARGE,
            code="message_too_long",
        )
    return text


def _limits(
    *, principal: ChatPrincipal, now: datetime
) -> list[tuple[str, datetime, int, timedelta, str]]:
    minute = now.replace(second=0, microsecond=0)
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    per_minute = "Too many messages in a minute. Please wait {retry} seconds and try again."
    limits = [
        (f"ip:{principal.ip}:minute", minute, settings.CHAT_RATE_LIMIT_IP_PER_MINUTE,
         timedelta(minutes=1), per_minute),
    ]  # fmt: skip
    if principal.user_id is not None:
        limits.append(
            (f"user:{principal.user_id}:minute", minute, settings.CHAT_RATE_LIMIT_USER_PER_MINUTE,
             timedelta(minutes=1), per_minute)
        )  # fmt: skip
    # Anonymous quotas follow the address: dropping the session cookie must not reset them.
    owner = f"user:{principal.user_id}" if principal.user_id is not None else f"ip:{principal.ip}"
    limits.append(
        (f"{owner}:day", day, settings.CHAT_DAILY_QUOTA, timedelta(days=1),
         "The daily message quota is used up. It resets at midnight UTC.")
    )  # fmt: skip
    return limits


@transaction.atomic
def rate_limit_consume(*, principal: ChatPrincipal, now: datetime | None = None) -> None:
    """Count one message against every limit, or raise AppError (rate limited) and count nothing.

    The conditional UPDATE is atomic in the database, so concurrent workers cannot both
    take the last slot; raising inside the transaction rolls back the other counters.
    """
    now = now or timezone.now()
    for key, start, limit, length, template in _limits(principal=principal, now=now):
        if limit <= 0:
            continue  # 0 switches a limit off
        counter, created = RateCounter.objects.get_or_create(key=key, window_start=start)
        if created and length.days:
            RateCounter.objects.filter(window_start__lt=now - timedelta(days=2)).delete()
        taken = RateCounter.objects.filter(pk=counter.pk, count__lt=limit).update(
            count=F("count") + 1
        )
        if not taken:
            retry = max(1, int((start + length - now).total_seconds()) + 1)
            raise AppError(
                template.format(retry=retry),
                kind=ErrorKind.RATE_LIMITED,
                code="quota_exceeded" if length.days else "rate_limited",
                retry_after=retry,
            )


def _title(text: str) -> str:
    first_line = " ".join(text.split())
    return first_line[:80] + ("…" if len(first_line) > 80 else "")


@transaction.atomic
def chat_turn_start(
    *, principal: ChatPrincipal, text: str, conversation_id: int | None = None
) -> ChatTurn:
    """Store the user's message (in a new or an owned conversation) and build the history."""
    if conversation_id is not None:
        conversation = conversation_get(principal=principal, conversation_id=conversation_id)
        if conversation is None:
            raise AppError(
                "That conversation was not found.",
                kind=ErrorKind.NOT_FOUND,
                code="conversation_not_found",
            )
        conversation.save(update_fields=["updated_at"])
    else:
        conversation = Conversation.objects.create(
            user_id=principal.user_id,
            session_key=principal.session_key if principal.is_anonymous else "",
            title=_title(text),
        )
    message = Message.objects.create(
        conversation=conversation, role=Message.Role.USER, content=text
    )
    history = history_for_model(
        conversation_id=conversation.pk, budget_chars=settings.CHAT_HISTORY_CHARS
    )
    return ChatTurn(conversation_id=conversation.pk, user_message_id=message.pk, history=history)


def chat_turn_begin(
    *,
    principal: ChatPrincipal,
    text: str,
    conversation_id: int | None = None,
    queued: bool = False,
) -> ChatTurn:
    """Validate the message, count it against the limits and store it: every turn starts here.

    Queued, the pending answer is stored with it and handed to a worker (chat.tasks);
    otherwise the caller asks the model itself, with the turn's history.
    """
    text = message_validate(text=text)
    rate_limit_consume(principal=principal)
    if not queued:
        return chat_turn_start(principal=principal, text=text, conversation_id=conversation_id)
    with transaction.atomic():
        turn = chat_turn_start(principal=principal, text=text, conversation_id=conversation_id)
        pending = Message.objects.create(
            conversation_id=turn.conversation_id,
            role=Message.Role.ASSISTANT,
            status=Message.Status.PENDING,
            model=llm_backend().model_label,
        )
        # After commit, so the worker never looks for a message that is not there yet.
        transaction.on_commit(lambda: _enqueue_answer(pending.pk))
    pending.refresh_from_db()
    return dataclasses.replace(turn, pending=pending)


def chat_turn_finish(
    *,
    turn: ChatTurn,
    model: str,
    text: str = "",
    error: ChatErrorCode | None = None,
    interrupted: bool = False,
) -> Message:
    """Store the answer. A failed answer is stored as an empty error row, never as a fragment;
    an answer cut short by the user leaving keeps its text, marked interrupted."""
    if error is not None:
        status, content, error_code = Message.Status.ERROR, "", error.value
    elif interrupted:
        status, content, error_code = Message.Status.INTERRUPTED, text, ""
    else:
        status, content, error_code = Message.Status.COMPLETE, text, ""
    return Message.objects.create(
        conversation_id=turn.conversation_id,
        role=Message.Role.ASSISTANT,
        content=content,
        status=status,
        error_code=error_code,
        model=model,
    )


def _enqueue_answer(message_id: int) -> None:
    from chat.tasks import chat_answer  # the task module imports this one

    result = chat_answer.enqueue(message_id=message_id)
    Message.objects.filter(pk=message_id).update(task_id=str(result.id))


async def _complete_once(backend: BaseLLMBackend, messages: list[ChatMessage]) -> str:
    async with scoped_client():
        return await backend.complete(messages=messages)


def chat_pending_answer(*, message_id: int) -> Message:
    """Answer a queued message with the same client as the streamed chat (worker side)."""
    message = Message.objects.get(pk=message_id)
    if message.status != Message.Status.PENDING:
        return message  # already answered: a re-run must not call the model again
    history = history_for_model(
        conversation_id=message.conversation_id, budget_chars=settings.CHAT_HISTORY_CHARS
    )
    backend = llm_backend()
    fields: dict[str, Any]
    try:
        text = async_to_sync(_complete_once)(backend, history)
    except LLMError as exc:
        logger.warning("queued chat answer %s failed: %s", message_id, exc)
        fields = {"status": Message.Status.ERROR, "error_code": exc.code.value, "content": ""}
    else:
        fields = {"status": Message.Status.COMPLETE, "content": text}
    Message.objects.filter(pk=message.pk).update(model=backend.model_label, **fields)
    message.refresh_from_db()
    return message
