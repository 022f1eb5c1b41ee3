"""GET /api/tasks/{id}: status for everyone with the id, results by queue and role."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from accounts.tests.factories import StaffFactory
from core.tasks import TaskResultStatus
from platform_ops.tests.factories import TaskResultFactory

pytestmark = pytest.mark.django_db

OPS_TOKEN = "ops-token-for-tests-0123456789"


@pytest.fixture(autouse=True)
def _ops_token(settings):
    settings.OPS_TOKEN = OPS_TOKEN


def _task(queue: str, status: str, **fields):
    return TaskResultFactory.create(queue_name=queue, status=status, worker_ids=["w1"], **fields)


def test_task_status_unknown_and_malformed_ids_are_404(client):
    assert client.get(f"/api/tasks/{uuid.uuid4()}").status_code == 404
    assert client.get("/api/tasks/not-a-uuid").status_code == 404


def test_ops_task_result_shown_to_staff_only(client):
    task = _task("ops", TaskResultStatus.SUCCESSFUL, return_value={"steps": {"users": 3}})
    anonymous = client.get(f"/api/tasks/{task.pk}").json()
    assert anonymous["status"] == "SUCCESSFUL"
    assert anonymous["result"] is None
    client.force_login(StaffFactory())
    staff = client.get(f"/api/tasks/{task.pk}").json()
    assert staff["result"] == {"steps": {"users": 3}}
    token = Client().get(f"/api/tasks/{task.pk}", HTTP_AUTHORIZATION=f"Bearer {OPS_TOKEN}")
    assert token.json()["result"] == {"steps": {"users": 3}}


def test_chat_task_result_visible_to_whoever_has_the_id(client):
    task = _task("chat", TaskResultStatus.SUCCESSFUL, return_value={"answer": 42})
    body = client.get(f"/api/tasks/{task.pk}").json()
    assert body["result"] == {"answer": 42}
    assert body["queue"] == "chat"


def test_failed_task_shows_a_safe_message_not_the_traceback(client):
    task = _task(
        "chat",
        TaskResultStatus.FAILED,
        exception_class_path="builtins.ValueError",
        traceback="Traceback ... ValueError: password=hunter2",
    )
    body = client.get(f"/api/tasks/{task.pk}").json()
    assert body["error"] == "The task failed (ValueError)."
    assert "hunter2" not in json.dumps(body)
