from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from chat.llm.messages import ChatMessage
from chat.models import Conversation, Message


@dataclass(frozen=True)
class ChatPrincipal:
    """Who is chatting: a user, or an anonymous browser session; and from which address."""

    user_id: int | None
    session_key: str
    ip: str

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None


def conversation_list(*, principal: ChatPrincipal) -> QuerySet[Conversation]:
    if principal.user_id is not None:
        return Conversation.objects.filter(user_id=principal.user_id)
    if not principal.session_key:
        return Conversation.objects.none()
    return Conversation.objects.filter(user__isnull=True, session_key=principal.session_key)


def conversation_get(*, principal: ChatPrincipal, conversation_id: int) -> Conversation | None:
    return conversation_list(principal=principal).filter(pk=conversation_id).first()


def message_list(*, conversation: Conversation) -> QuerySet[Message]:
    return conversation.messages.all()


def message_get(*, principal: ChatPrincipal, message_id: int) -> Message | None:
    conversations = conversation_list(principal=principal)
    return (
        Message.objects.select_related("conversation")
        .filter(pk=message_id, conversation__in=conversations)
        .first()
    )


def chat_task_owned(*, principal: ChatPrincipal, task_id: str) -> bool:
    """Did this principal queue the chat answer whose task is `task_id`?"""
    conversations = conversation_list(principal=principal)
    return Message.objects.filter(task_id=task_id, conversation__in=conversations).exists()


def history_for_model(*, conversation_id: int, budget_chars: int) -> list[ChatMessage]:
    """The newest messages that fit the budget, oldest first, ready for the model.

    Failed, pending and interrupted answers are left out: the model should not read its
    own half-answers. The newest user message is always sent, whatever its size.
    """
    rows = (
        Message.objects.filter(conversation_id=conversation_id)
        .exclude(role=Message.Role.ASSISTANT, status__in=_UNFINISHED)
        .order_by("-created_at", "-id")
        .values_list("role", "content")
    )
    picked: list[ChatMessage] = []
    used = 0
    for role, content in rows.iterator():
        if picked and used + len(content) > budget_chars:
            break
        picked.append({"role": role, "content": content})
        used += len(content)
    picked.reverse()
    return picked


_UNFINISHED = [Message.Status.ERROR, Message.Status.PENDING, Message.Status.INTERRUPTED]
