from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema

from accounts.access import caller_resolve, user_is_staff
from core import limits
from core.errors import AppError, ErrorKind
from core.schemas import api_responses
from platform_ops.selectors.task_results import (
    MAX_TASK_ID_LENGTH,
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


TaskId = Annotated[str, limits.bounded_text(MAX_TASK_ID_LENGTH)]


# 401/403: a bad bearer token, or a session write without CSRF (caller_resolve).
@router.get(
    "/tasks/{task_id}",
    response=api_responses({200: TaskOut}, params=True, auth=True, errors=[404]),
    url_name="task_detail",
)
def task_detail(request: HttpRequest, task_id: TaskId) -> dict[str, Any]:
    """Status of a queued task. The id is the capability for chat tasks; other results are
    shown to staff (or the ops token) only."""
    task = task_result_get(task_id=task_id)
    if task is None:
        raise AppError("No such task.", kind=ErrorKind.NOT_FOUND, code="not_found")
    caller = caller_resolve(request)
    is_staff = caller.may_operate or (caller.user is not None and user_is_staff(user=caller.user))
    return task_result_describe(
        task=task, include_result=task_result_visible(task=task, is_staff=is_staff)
    )
