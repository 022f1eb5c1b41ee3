"""The messages exchanged with a model, in the chat-completions shape every backend takes."""

from __future__ import annotations

from typing import TypedDict


class ChatMessage(TypedDict):
    role: str
    content: str
