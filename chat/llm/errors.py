"""What can go wrong with the model, as application errors a user can act on.

The upstream's own text (which may echo the key or internals) is kept for the logs only;
the user sees one sentence per code.
"""

from __future__ import annotations

from enum import StrEnum

from core.errors import AppError, ErrorKind


class ChatErrorCode(StrEnum):
    BAD_KEY = "bad_key"
    UNKNOWN_MODEL = "unknown_model"
    UPSTREAM_RATE_LIMITED = "upstream_rate_limited"
    UPSTREAM_DOWN = "upstream_down"
    TIMEOUT = "timeout"
    STREAM_ERROR = "stream_error"

    @property
    def user_message(self) -> str:
        return _USER_MESSAGES[self]

    @property
    def kind(self) -> ErrorKind:
        return _KINDS[self]


_USER_MESSAGES = {
    ChatErrorCode.BAD_KEY: (
        "The AI provider rejected the API key. The site owner needs to check OPENROUTER_API_KEY."
    ),
    ChatErrorCode.UNKNOWN_MODEL: (
        "The AI provider does not know the configured model. The site owner needs to check "
        "OPENROUTER_LLM_MODEL."
    ),
    ChatErrorCode.UPSTREAM_RATE_LIMITED: (
        "The AI provider is rate-limiting this site right now. Please try again in a minute."
    ),
    ChatErrorCode.UPSTREAM_DOWN: (
        "The AI provider is unreachable or failing right now. Please try again later."
    ),
    ChatErrorCode.TIMEOUT: "The AI provider took too long to answer. Please try again.",
    ChatErrorCode.STREAM_ERROR: (
        "The answer was interrupted by an error at the AI provider. Please try again."
    ),
}
# A bad key or an unknown model is the site's configuration, not the client's request:
# to the caller it is the provider failing, like any other upstream fault.
_KINDS = {
    ChatErrorCode.BAD_KEY: ErrorKind.UPSTREAM_FAILED,
    ChatErrorCode.UNKNOWN_MODEL: ErrorKind.UPSTREAM_FAILED,
    ChatErrorCode.UPSTREAM_RATE_LIMITED: ErrorKind.UPSTREAM_BUSY,
    ChatErrorCode.UPSTREAM_DOWN: ErrorKind.UPSTREAM_FAILED,
    ChatErrorCode.TIMEOUT: ErrorKind.UPSTREAM_TIMEOUT,
    ChatErrorCode.STREAM_ERROR: ErrorKind.UPSTREAM_FAILED,
}


class LLMError(AppError):
    """The model could not answer; ``internal`` says why, for the logs only."""

    code: ChatErrorCode

    def __init__(self, code: ChatErrorCode, internal: str = "") -> None:
        super().__init__(code.user_message, kind=code.kind, code=code)
        self.internal = internal

    def __str__(self) -> str:
        return f"{self.code.value}: {self.internal}" if self.internal else self.code.value
