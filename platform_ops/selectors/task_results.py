"""Queued tasks as the status API and the ops page show them, and the queue's statistics.

A task's status is read through the configured backend's public API (`get_result`), so
the status endpoint works the same with any backend TASKS_BACKEND names. The queue's
figures and the list of recent tasks need django-tasks-db's table: they live below,
and answer None (or nothing) when the backend keeps no tasks in the database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from accounts.access import Caller
from catalog.reports.selectors import user_may_use_reports
from catalog.reports.tasks import report_run
from chat.selectors import ChatPrincipal, chat_task_owned
from chat.tasks import chat_answer
from core.tasks import (
    DEFAULT_TASK_BACKEND_ALIAS,
    TaskResult,
    TaskResultDoesNotExist,
    TaskResultStatus,
    task_backends,
)

logger = logging.getLogger(__name__)

MAX_TASK_ID_LENGTH = 64


def task_result_get(*, task_id: str) -> TaskResult[Any] | None:
    if not task_id or len(task_id) > MAX_TASK_ID_LENGTH:
        return None
    try:
        return task_backends[DEFAULT_TASK_BACKEND_ALIAS].get_result(task_id)
    except TaskResultDoesNotExist:
        return None
    except (ImportError, SuspiciousOperation):
        # The stored task names a function that no longer exists: nothing to report on.
        logger.warning("Task %s names no importable task", task_id)
        return None


def task_result_describe(*, task: TaskResult[Any]) -> dict[str, Any]:
    """The shape of a task its owner sees: status, times, and the result or the error."""
    data: dict[str, Any] = {
        "id": str(task.id),
        "task": task.task.name,
        "queue": task.task.queue_name,
        "status": task.status,
        "enqueued_at": task.enqueued_at,
        "started_at": task.started_at,
        "finished_at": task.finished_at,
        "attempts": task.attempts,
        "result": None,
        "error": None,
    }
    if task.status == TaskResultStatus.SUCCESSFUL:
        data["result"] = task.return_value
    elif task.status == TaskResultStatus.FAILED:
        # The class name only: messages and tracebacks can quote data (see the admin for them).
        path = task.errors[-1].exception_class_path if task.errors else ""
        data["error"] = f"The task failed ({path.rsplit('.', 1)[-1] or 'Error'})."
    return data


def task_result_visible(*, task: TaskResult[Any], caller: Caller, principal: ChatPrincipal) -> bool:
    """Who may see a task at all (the others are told it does not exist):

    - operators (the ops token, a superuser) see every task;
    - a chat answer's task, the user or anonymous session that asked the question;
    - a report's task, the roles that may use reports (the runs are shared by them);
    - every other task (demo reset, backups) is an operation: operators only.
    """
    if caller.may_operate:
        return True
    queue = task.task.queue_name
    if queue == chat_answer.queue_name:
        return chat_task_owned(principal=principal, task_id=str(task.id))
    if queue == report_run.queue_name:
        return caller.user is not None and user_may_use_reports(user=caller.user)
    return False


# --- Database-only reads: django-tasks-db's table ---------------------------------------


def task_queue_in_database() -> bool:
    """Does the configured backend keep its tasks in django-tasks-db's table?"""
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


def task_results_recent(*, limit: int = 20) -> list[DBTaskResult[..., Any]]:
    if not task_queue_in_database():
        return []
    return list(DBTaskResult.objects.order_by("-enqueued_at")[:limit])


@dataclass
class QueueStats:
    depth: int
    oldest_waiting_seconds: float | None
    running: int


def task_queue_stats() -> QueueStats | None:
    """The queue's figures, or None when the backend keeps no tasks in the database."""
    if not task_queue_in_database():
        return None
    # One query (health probes call this every few seconds); "ready" as django-tasks-db
    # defines it: waiting, and due now.
    due = Q(status=TaskResultStatus.READY) & (
        Q(run_after=get_date_max()) | Q(run_after__lte=timezone.now())
    )
    totals = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).aggregate(
        depth=Count("pk", filter=due),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        oldest=Min("enqueued_at", filter=due),
    )
    oldest: datetime | None = totals["oldest"]
    return QueueStats(
        depth=totals["depth"],
        oldest_waiting_seconds=(
            round((timezone.now() - oldest).total_seconds(), 1) if oldest else None
        ),
        running=totals["running"],
    )
