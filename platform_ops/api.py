from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from platform_ops.auth import ops_token_matches
from platform_ops.selectors.task_results import (
    task_result_describe,
    task_result_get,
    task_result_visible,
)

router = Router(tags=["platform_ops"])


class TaskOut(Schema):
    id: str
    task: str
    queue: str
    status: str
    enqueued_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    attempts: int
    result: Any = None
    error: str | None = None


@router.get("/tasks/{task_id}", response=TaskOut, url_name="task_detail")
def task_detail(request: HttpRequest, task_id: str) -> dict[str, Any]:
    """Status of a queued task. The id is the capability for chat tasks; other results are
    shown to staff (or the ops token) only."""
    task = task_result_get(task_id=task_id)
    if task is None:
        raise HttpError(404, "No such task.")
    user = request.user
    is_staff = bool(user.is_authenticated and user.is_active and user.is_staff)
    is_staff = is_staff or ops_token_matches(request=request) is True
    return task_result_describe(
        task=task, include_result=task_result_visible(task=task, is_staff=is_staff)
    )
