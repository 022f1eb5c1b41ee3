"""API schemas shared by every app's router, and the one table of error answers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    """Every API error body: a message safe to show to the user, and a stable code."""

    detail: str
    code: str


# Which error answers an operation can give, by what it takes (core.http maps errors to them).
BODY_ERRORS = (400, 413, 422)  # unparseable JSON, over the size cap, the wrong shape or values
PARAM_ERRORS = (422,)  # a path or query parameter of the wrong type or out of range
# No or a bad token; a session write without CSRF, or a role refused; too many bad tokens
# from the caller's address (accounts.access).
AUTH_ERRORS = (401, 403, 429)
DEMO_ERRORS = (404,)  # the demo apps' operations while MINIMAL_MODE is on (minimal_mode.demo_only)


def api_responses(
    ok: dict[int, Any],
    *,
    body: bool = False,
    params: bool = False,
    auth: bool = False,
    demo: bool = False,
    errors: Iterable[int] = (),
) -> dict[int, Any]:
    """An operation's ``response=`` mapping: its success schemas plus every error it can give."""
    statuses = set(errors)
    if demo:
        statuses.update(DEMO_ERRORS)
    if body:
        statuses.update(BODY_ERRORS)
    if params:
        statuses.update(PARAM_ERRORS)
    if auth:
        statuses.update(AUTH_ERRORS)
    return {**ok, **{status: ErrorOut for status in sorted(statuses)}}
