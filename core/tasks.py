"""The one place that imports the Tasks API.

Django 6 ships this API as ``django.tasks``; on Django 5.2 the ``django-tasks`` backport
provides it. Moving to Django 6 means changing the import below to
``from django.tasks import ...`` (and ``django.tasks.base``) and nothing else.
"""

from django_tasks import (
    DEFAULT_TASK_BACKEND_ALIAS,
    DEFAULT_TASK_QUEUE_NAME,
    TaskContext,
    TaskResult,
    TaskResultStatus,
    default_task_backend,
    task,
    task_backends,
)
from django_tasks.base import Task
from django_tasks.exceptions import TaskResultDoesNotExist

__all__ = [
    "DEFAULT_TASK_BACKEND_ALIAS",
    "DEFAULT_TASK_QUEUE_NAME",
    "Task",
    "TaskContext",
    "TaskResult",
    "TaskResultDoesNotExist",
    "TaskResultStatus",
    "default_task_backend",
    "task",
    "task_backends",
]
