from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema

from accounts.access import caller_resolve
from chat.principal import principal_of
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
    """Status and result of a queued task, for whoever may see it (see
    `task_result_visible`); 404 for everyone else, so an id alone reveals nothing."""
    caller = caller_resolve(request)
    task = task_result_get(task_id=task_id)
    if task is None or not task_result_visible(
        task=task, caller=caller, principal=principal_of(request, caller)
    ):
        raise AppError("No such task.", kind=ErrorKind.NOT_FOUND, code="not_found")
    return task_result_describe(task=task)
