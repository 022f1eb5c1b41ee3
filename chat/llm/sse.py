"""Server-Sent Events as a chat-completions server sends them, one line at a time."""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

from chat.llm.errors import ChatErrorCode, LLMError


class SSEEnd(Enum):
    DONE = "[DONE]"  # the stream's last data line; a stream without it was cut short


def sse_line_parse(*, line: str) -> dict[str, Any] | SSEEnd | None:
    """The JSON object a ``data:`` line carries, ``SSEEnd.DONE`` at the end, None for the rest.

    Raises LLMError (stream_error) for a data line that is not a JSON object.
    """
    line = line.strip()
    if not line or line.startswith(":"):
        return None  # keep-alives such as ": OPENROUTER PROCESSING"
    if not line.startswith("data:"):
        return None  # "event:", "id:", "retry:" fields carry nothing we use
    data = line[5:].strip()
    if data == SSEEnd.DONE.value:
        return SSEEnd.DONE
    try:
        event = json.loads(data)
    except json.JSONDecodeError as exc:
        raise LLMError(ChatErrorCode.STREAM_ERROR, f"garbled line: {data[:80]}") from exc
    if not isinstance(event, dict):
        raise LLMError(ChatErrorCode.STREAM_ERROR, "event is not an object")
    return event
