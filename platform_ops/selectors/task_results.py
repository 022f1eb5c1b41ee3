"""Queued tasks as the status API and the ops page show them, and the queue's statistics."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from core.tasks import TaskResultStatus

# Tasks on these queues belong to whoever holds the id; results of the others are staff-only.
PUBLIC_TASK_QUEUES = frozenset({"chat"})


def task_result_get(*, task_id: str) -> DBTaskResult[..., Any] | None:
    try:
        parsed = uuid.UUID(task_id)
    except ValueError:
        # Not a UUID: no such task, rather than a server error.
        return None
    return DBTaskResult.objects.filter(pk=parsed).first()


def task_result_describe(*, task: DBTaskResult[..., Any], include_result: bool) -> dict[str, Any]:
    """The public shape of a task: status and times; the result only when allowed."""
    data: dict[str, Any] = {
        "id": str(task.pk),
        "task": task.task_path.rsplit(".", 1)[-1],
        "queue": task.queue_name,
        "status": task.status,
        "enqueued_at": task.enqueued_at,
        "started_at": task.started_at,
        "finished_at": task.finished_at,
        "attempts": len(task.worker_ids),
        "result": None,
        "error": None,
    }
    if not include_result:
        return data
    if task.status == TaskResultStatus.SUCCESSFUL:
        data["result"] = task.return_value
    elif task.status == TaskResultStatus.FAILED:
        # The class name only: messages and tracebacks can quote data (see the admin for them).
        name = task.exception_class_path.rsplit(".", 1)[-1] or "Error"
        data["error"] = f"The task failed ({name})."
    return data


def task_result_visible(*, task: DBTaskResult[..., Any], is_staff: bool) -> bool:
    return is_staff or task.queue_name in PUBLIC_TASK_QUEUES


def task_results_recent(*, limit: int = 20) -> QuerySet[DBTaskResult[..., Any]]:
    return DBTaskResult.objects.order_by("-enqueued_at")[:limit]


@dataclass
class QueueStats:
    depth: int
    oldest_waiting_seconds: float | None
    running: int


def task_queue_stats() -> QueueStats:
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
