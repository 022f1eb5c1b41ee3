from __future__ import annotations

from typing import Any

from chat.rendering import markdown_render
from chat.services import chat_pending_answer
from core.tasks import task


@task(queue_name="chat")
def chat_answer(*, message_id: int) -> dict[str, Any]:
    message = chat_pending_answer(message_id=message_id)
    return {
        "conversation_id": message.conversation_id,
        "message_id": message.pk,
        "status": message.status,
        "code": message.error_code or None,
        "response": markdown_render(text=message.content),
        "raw_response": message.content,
        "model": message.model,
    }
