"""The task backends of TASKS_BACKEND=thread and =immediate (settings: TASK_BACKEND_CLASSES).

Both are django-tasks-db's DatabaseBackend: a task is stored in the same table, and read
back with the same `get_result`, as with an external worker; only who runs it differs.
django-tasks' own ImmediateBackend is not used: it keeps no results (`get_result` is not
supported), so `GET /api/tasks/{id}` could never find a task it ran, and /health would
count nothing.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import transaction
from django_tasks_db import DatabaseBackend
from django_tasks_db.backend import TaskResult
from typing_extensions import ParamSpec

from core.tasks import Task
from platform_ops.services.task_runner import task_run_now, task_runner_wake

T = TypeVar("T")
P = ParamSpec("P")


class ThreadBackend(DatabaseBackend):
    """Stored in the database; a background thread of the web process runs it."""

    def enqueue(self, task: Task[P, T], args: Any, kwargs: Any) -> TaskResult[P, T]:
        result: TaskResult[P, T] = super().enqueue(task, args, kwargs)
        # After commit: the runner's own connection cannot see an uncommitted row.
        transaction.on_commit(lambda: task_runner_wake(backend_name=self.alias))
        return result


class ImmediateBackend(DatabaseBackend):
    """Stored in the database, then run in the caller's thread once its transaction commits.

    The request waits for the task: for tests and small hosts, not for long reports.
    """

    supports_defer = False  # a task due later would need something to run it later

    def enqueue(self, task: Task[P, T], args: Any, kwargs: Any) -> TaskResult[P, T]:
        result: TaskResult[P, T] = super().enqueue(task, args, kwargs)
        task_id = str(result.id)
        transaction.on_commit(lambda: task_run_now(task_id=task_id, backend_name=self.alias))
        return result
