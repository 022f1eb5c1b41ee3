"""The model's error vocabulary, and the statuses of docs/CHAT.md's fault table."""

from __future__ import annotations

import pytest

from chat.llm.errors import ChatErrorCode, LLMError
from core.errors import AppError
from core.http import api_status

FAULT_TABLE = {
    ChatErrorCode.BAD_KEY: 502,
    ChatErrorCode.UNKNOWN_MODEL: 502,
    ChatErrorCode.UPSTREAM_RATE_LIMITED: 503,
    ChatErrorCode.UPSTREAM_DOWN: 502,
    ChatErrorCode.TIMEOUT: 504,
    ChatErrorCode.STREAM_ERROR: 502,
}


@pytest.mark.parametrize(("code", "status"), FAULT_TABLE.items())
def test_each_code_answers_the_api_with_its_status(code: ChatErrorCode, status: int) -> None:
    assert api_status(LLMError(code)) == status


def test_the_user_sees_the_message_and_the_logs_see_why() -> None:
    error = LLMError(ChatErrorCode.BAD_KEY, "HTTP 401")

    assert isinstance(error, AppError)
    assert (error.code, error.message) == ("bad_key", ChatErrorCode.BAD_KEY.user_message)
    assert str(error) == "bad_key: HTTP 401"
    assert str(LLMError(ChatErrorCode.TIMEOUT)) == "timeout"
