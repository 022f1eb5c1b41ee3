"""Rows of django-tasks-db's result table, as the worker would leave them."""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.tasks import TaskResultStatus


class TaskResultFactory(factory.django.DjangoModelFactory[DBTaskResult[..., Any]]):
    class Meta:
        model = DBTaskResult

    task_path = "platform_ops.tasks.demo_init"
    queue_name = "ops"
    backend_name = "default"
    status = TaskResultStatus.READY
    args_kwargs = factory.LazyFunction(lambda: {"args": [], "kwargs": {}})
    run_after = factory.LazyFunction(timezone.now)
