"""Writes for the chat: limits, turns (the user's message and the model's answer), the queue.

Every function here is synchronous and may run several writes in one transaction; async
views call them through `sync_to_async`, before and after a stream, never during one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from chat.llm import ChatErrorCode, ChatMessage, LLMConfig, LLMError, llm_complete
from chat.models import Conversation, Message, RateCounter
from chat.selectors import ChatPrincipal, conversation_get, history_for_model

logger = logging.getLogger(__name__)


class ChatRejected(Exception):
    """A request refused before the model is called; `detail` is safe to show."""

    def __init__(
        self, *, status: int, code: str, detail: str, retry_after: int | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.retry_after = retry_after


@dataclass(frozen=True)
class ChatTurn:
    conversation_id: int
    user_message_id: int
    history: list[ChatMessage]


def message_validate(*, text: str) -> str:
    text = text.strip()
    if not text:
        raise ChatRejected(status=422, code="empty_message", detail="Type a message first.")
    limit = settings.CHAT_MAX_MESSAGE_CHARS
    if len(text) > limit:
        raise ChatRejected(
            status=413,
            code="message_too_long",
            detail=f"Messages are limited to {limit} characters; this one has {len(text)}.",
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
    """Count one message against every limit, or raise ChatRejected (429) and count nothing.

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
            raise ChatRejected(
                status=429,
                code="quota_exceeded" if length.days else "rate_limited",
                detail=template.format(retry=retry),
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
            raise ChatRejected(
                status=404, code="conversation_not_found", detail="That conversation was not found."
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


def chat_turn_enqueue(
    *, principal: ChatPrincipal, text: str, conversation_id: int | None = None
) -> Message:
    """Store the user's message and a pending answer; a worker fills it in (chat.tasks)."""
    with transaction.atomic():
        turn = chat_turn_start(principal=principal, text=text, conversation_id=conversation_id)
        pending = Message.objects.create(
            conversation_id=turn.conversation_id,
            role=Message.Role.ASSISTANT,
            status=Message.Status.PENDING,
            model=LLMConfig.from_settings().model_label,
        )
        # After commit, so the worker never looks for a message that is not there yet.
        transaction.on_commit(lambda: _enqueue_answer(pending.pk))
    pending.refresh_from_db()
    return pending


async def _complete_once(messages: list[ChatMessage], config: LLMConfig) -> str:
    # async_to_sync runs each call on a fresh event loop: a client per call, closed after.
    async with httpx.AsyncClient() as client:
        return await llm_complete(messages=messages, config=config, client=client)


def chat_pending_answer(*, message_id: int) -> Message:
    """Answer a queued message with the same client as the streamed chat (worker side)."""
    message = Message.objects.get(pk=message_id)
    if message.status != Message.Status.PENDING:
        return message  # already answered: a re-run must not call the model again
    history = history_for_model(
        conversation_id=message.conversation_id, budget_chars=settings.CHAT_HISTORY_CHARS
    )
    config = LLMConfig.from_settings()
    fields: dict[str, Any]
    try:
        text = async_to_sync(_complete_once)(history, config)
    except LLMError as exc:
        logger.warning("queued chat answer %s failed: %s", message_id, exc)
        fields = {"status": Message.Status.ERROR, "error_code": exc.code.value, "content": ""}
    else:
        fields = {"status": Message.Status.COMPLETE, "content": text}
    Message.objects.filter(pk=message.pk).update(model=config.model_label, **fields)
    message.refresh_from_db()
    return message
