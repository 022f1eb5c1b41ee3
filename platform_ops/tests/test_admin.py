"""The task admin with its recovery action."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.tests.factories import SuperuserFactory
from core.tasks import TaskResultStatus

pytestmark = pytest.mark.django_db


def _task(queue: str, status: str, **fields):
    return DBTaskResult.objects.create(
        task_path="platform_ops.tasks.demo_init",
        queue_name=queue,
        backend_name="default",
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        run_after=timezone.now(),
        worker_ids=["w1"],
        **fields,
    )


def test_task_admin_lists_and_recovers(client):
    _task("ops", TaskResultStatus.RUNNING)
    client.force_login(SuperuserFactory())
    response = client.get("/admin/django_tasks_database/dbtaskresult/")
    assert response.status_code == 200
    assert b"demo_init" in response.content
