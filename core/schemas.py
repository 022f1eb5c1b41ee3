"""API schemas shared by every app's router."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    """Every API error body: a message safe to show to the user."""

    detail: str
