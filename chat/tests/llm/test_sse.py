"""One line of a chat-completions event stream (chat.llm.sse)."""

from __future__ import annotations

import pytest

from chat.llm.errors import ChatErrorCode, LLMError
from chat.llm.sse import SSEEnd, sse_line_parse


@pytest.mark.parametrize(
    "line", ["", "   ", ": OPENROUTER PROCESSING", "event: message", "id: 7", "retry: 100"]
)
def test_lines_that_carry_nothing(line: str) -> None:
    assert sse_line_parse(line=line) is None


def test_data_lines_and_the_end() -> None:
    assert sse_line_parse(line='data: {"choices": []}\n') == {"choices": []}
    assert sse_line_parse(line="data:[DONE]") is SSEEnd.DONE


@pytest.mark.parametrize("line", ["data: {not json", "data: [1, 2]", 'data: "text"'])
def test_a_data_line_that_is_not_an_object_is_a_stream_error(line: str) -> None:
    with pytest.raises(LLMError) as caught:
        sse_line_parse(line=line)
    assert caught.value.code is ChatErrorCode.STREAM_ERROR
