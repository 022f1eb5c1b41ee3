"""The task admin with its recovery action."""

from __future__ import annotations

import pytest

from accounts.tests.factories import SuperuserFactory
from core.tasks import TaskResultStatus
from platform_ops.tests.factories import TaskResultFactory

pytestmark = pytest.mark.django_db


def _task(queue: str, status: str, **fields):
    return TaskResultFactory.create(queue_name=queue, status=status, worker_ids=["w1"], **fields)


def test_task_admin_lists_and_recovers(client):
    _task("ops", TaskResultStatus.RUNNING)
    client.force_login(SuperuserFactory())
    response = client.get("/admin/django_tasks_database/dbtaskresult/")
    assert response.status_code == 200
    assert b"demo_init" in response.content
