"""GET /api/tasks/{id}: a task is seen by its owner and by operators; to anyone else it
does not exist (404), whatever id they hold."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from accounts.roles import Role
from accounts.services import api_token_create
from accounts.tests.factories import StaffFactory, SuperuserFactory, UserFactory
from chat.models import Conversation, Message
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


def _status(client: Client, task_id: object, *, token: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(f"/api/tasks/{task_id}", headers=headers).status_code


def test_ops_task_seen_by_operators_only(client):
    task = _task("ops", TaskResultStatus.SUCCESSFUL, return_value={"steps": {"users": 3}})
    assert _status(client, task.pk) == 404
    client.force_login(StaffFactory.create(roles=[Role.ADMIN]))
    assert _status(client, task.pk) == 404
    client.force_login(SuperuserFactory.create())
    assert client.get(f"/api/tasks/{task.pk}").json()["result"] == {"steps": {"users": 3}}
    token = Client().get(f"/api/tasks/{task.pk}", HTTP_AUTHORIZATION=f"Bearer {OPS_TOKEN}")
    assert token.json()["result"] == {"steps": {"users": 3}}


def test_report_task_seen_by_the_reporting_roles(client):
    task = _task("reports", TaskResultStatus.SUCCESSFUL, return_value=None)
    client.force_login(StaffFactory.create(roles=[Role.SUPPORT]))
    assert _status(client, task.pk) == 404
    client.force_login(StaffFactory.create(roles=[Role.MARKETING]))
    assert _status(client, task.pk) == 200


def _chat_task(*, user=None, session_key: str = "") -> str:
    task = _task("chat", TaskResultStatus.SUCCESSFUL, return_value={"raw_response": "private"})
    conversation = Conversation.objects.create(user=user, session_key=session_key)
    Message.objects.create(
        conversation=conversation, role=Message.Role.ASSISTANT, task_id=str(task.pk)
    )
    return str(task.pk)


def test_a_users_chat_task_is_theirs_alone():
    owner, other = UserFactory.create(), UserFactory.create()
    task_id = _chat_task(user=owner)
    mine, theirs, anonymous = Client(), Client(), Client()
    mine.force_login(owner)
    theirs.force_login(other)
    assert mine.get(f"/api/tasks/{task_id}").json()["result"] == {"raw_response": "private"}
    assert _status(theirs, task_id) == 404
    assert _status(anonymous, task_id) == 404
    token = api_token_create(user=owner, name="script").plain
    assert _status(Client(), task_id, token=token) == 200
    other_token = api_token_create(user=other, name="script").plain
    assert _status(Client(), task_id, token=other_token) == 404
    admin = Client()
    admin.force_login(SuperuserFactory.create())
    assert _status(admin, task_id) == 200


def test_an_anonymous_chat_task_belongs_to_its_browser_session():
    asker, stranger = Client(), Client()
    asker.get("/chat/")  # any page that starts a session would do; the chat page does
    session = asker.session
    session.save()
    assert session.session_key is not None
    task_id = _chat_task(session_key=session.session_key)
    assert _status(asker, task_id) == 200
    assert _status(stranger, task_id) == 404
    stranger.force_login(StaffFactory.create(roles=[Role.SUPPORT]))
    assert _status(stranger, task_id) == 404


def test_failed_task_shows_a_safe_message_not_the_traceback(client):
    task = _task(
        "ops",
        TaskResultStatus.FAILED,
        exception_class_path="builtins.ValueError",
        traceback="Traceback ... ValueError: password=hunter2",
    )
    client.force_login(SuperuserFactory.create())
    body = client.get(f"/api/tasks/{task.pk}").json()
    assert body["error"] == "The task failed (ValueError)."
    assert "hunter2" not in json.dumps(body)
