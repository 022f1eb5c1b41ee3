"""The project's application errors: a stable code and a message safe to show a user.

Services raise these; they know nothing of HTTP. The status each kind of error answers
with is chosen in one place for the API and one for pages (``core.http``).
"""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    """What went wrong, from the caller's point of view."""

    INVALID = "invalid"  # the input is malformed or out of range
    NOT_FOUND = "not_found"  # no such thing, or not one this caller may see
    UNAUTHENTICATED = "unauthenticated"  # who is asking is unknown
    FORBIDDEN = "forbidden"  # known, but not allowed
    TOO_LARGE = "too_large"  # the input is over a size limit
    RATE_LIMITED = "rate_limited"  # too many requests; retry_after says when to try again
    CONFLICT = "conflict"  # the request clashes with the current state
    UPSTREAM_FAILED = "upstream_failed"  # a service this site depends on failed
    UPSTREAM_BUSY = "upstream_busy"  # that service is refusing work for now
    UPSTREAM_TIMEOUT = "upstream_timeout"  # that service took too long


class AppError(Exception):
    """A refusal or failure the user can act on.

    ``code`` is stable and machine-readable (clients switch on it); ``message`` is the
    sentence shown to the user and never quotes internals.
    """

    def __init__(
        self,
        message: str,
        *,
        kind: ErrorKind,
        code: str,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.code = code
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r})"
