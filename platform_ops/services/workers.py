"""Task workers' heartbeats, and recovery of the tasks a dead worker left RUNNING."""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.tasks import TaskResultStatus
from platform_ops.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

WORKER_LOST_EXCEPTION = "platform_ops.services.workers.WorkerLost"


class WorkerLost(Exception):
    """Recorded as a task's failure when its worker died more times than allowed."""


@dataclass
class RecoverResult:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def worker_heartbeat_beat(*, worker_id: str, pid: int | None, queues: str) -> None:
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(
        last_seen_at=now, pid=pid, stopped_at=None
    )
    if not updated:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            hostname=socket.gethostname()[:255],
            pid=pid,
            queues=queues[:255],
            started_at=now,
            last_seen_at=now,
        )


def worker_heartbeat_stop(*, worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(stopped_at=timezone.now())


def worker_heartbeats_prune(*, older_than: timedelta = timedelta(days=7)) -> int:
    deleted, _ = WorkerHeartbeat.objects.filter(
        last_seen_at__lt=timezone.now() - older_than
    ).delete()
    return deleted


def _task_recover(*, task: DBTaskResult[..., Any], reason: str, max_attempts: int) -> str:
    """Re-queue a task whose worker is gone, or fail it once it has used up its attempts.

    Each update is conditional on the row still being RUNNING, so a worker that finishes
    the task at the same moment wins and nothing is run twice because of this.
    """
    attempts = len(task.worker_ids)
    running = DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.RUNNING)
    if attempts >= max_attempts:
        running.update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            return_value=None,
            exception_class_path=WORKER_LOST_EXCEPTION,
            traceback=f"WorkerLost: {reason}; gave up after {attempts} attempts.",
        )
        return "failed"
    running.update(status=TaskResultStatus.READY, started_at=None)
    return "requeued"


def tasks_recover(
    *,
    stale_seconds: float | None = None,
    max_attempts: int | None = None,
    dead_worker_id: str | None = None,
    now: datetime | None = None,
) -> RecoverResult:
    """Find RUNNING tasks whose worker stopped sending heartbeats and recover them.

    ``dead_worker_id`` names a worker known to be dead (its supervisor saw it exit), so its
    tasks are recovered at once instead of after the stale period.
    """
    stale = timedelta(
        seconds=settings.TASK_WORKER_STALE_SECONDS if stale_seconds is None else stale_seconds
    )
    attempts = settings.TASK_MAX_ATTEMPTS if max_attempts is None else max_attempts
    cutoff = (now or timezone.now()) - stale
    alive = set(
        WorkerHeartbeat.objects.filter(last_seen_at__gte=cutoff, stopped_at__isnull=True)
        .values_list("worker_id", flat=True)
        .iterator()
    )
    result = RecoverResult()
    for task in DBTaskResult.objects.running().only("id", "worker_ids", "started_at"):
        worker_id = task.worker_ids[-1] if task.worker_ids else ""
        if worker_id == dead_worker_id:
            reason = f"worker {worker_id} exited while running the task"
        elif worker_id in alive or (task.started_at and task.started_at >= cutoff):
            # A task that started within the stale period gets the benefit of the doubt.
            continue
        else:
            reason = f"worker {worker_id or '?'} sent no heartbeat for {stale.seconds}s"
        outcome = _task_recover(task=task, reason=reason, max_attempts=attempts)
        getattr(result, outcome).append(str(task.pk))
        logger.warning("Task %s %s: %s", task.pk, outcome, reason)
    return result
