from __future__ import annotations

import json
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from typing import Any


async def sse_events(response: Any) -> AsyncIterator[tuple[str, Any]]:
    """Parse an async streaming response into (event, data) pairs as they arrive."""
    buffer = ""
    async for chunk in response.streaming_content:
        buffer += chunk.decode() if isinstance(chunk, bytes) else chunk
        while "\n\n" in buffer:
            block, buffer = buffer.split("\n\n", 1)
            yield parse_block(block)


def parse_block(block: str) -> tuple[str, Any]:
    name, data = "message", []
    for line in block.split("\n"):
        if line.startswith(":"):
            return ("comment", line[1:].strip())
        if line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())
    text = "\n".join(data)
    return (name, text if text == "[DONE]" else json.loads(text))


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def assert_no_active_content(html: str) -> None:
    """No script element, no event-handler attribute, no javascript: URL, in parsed HTML."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in {"script", "iframe", "object", "embed"}, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, name, value)
