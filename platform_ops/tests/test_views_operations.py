"""The queued operations endpoints: who may call them and what they queue."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from accounts.tests.factories import StaffFactory, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db

OPS_TOKEN = "ops-token-for-tests-0123456789"


@pytest.fixture(autouse=True)
def _ops_token(settings):
    settings.OPS_TOKEN = OPS_TOKEN


def _csrf_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def _csrf_token(client: Client) -> str:
    client.get("/ops/login/anything")  # any page with {% csrf_token %} sets the cookie
    return client.cookies["csrftoken"].value


def test_init_demo_with_bearer_token_enqueues_on_ops_queue():
    response = Client().post(
        "/async/init-demo",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {OPS_TOKEN}",
    )
    assert response.status_code == 202
    task = DBTaskResult.objects.get(pk=response.json()["task_id"])
    assert task.queue_name == "ops"
    assert task.args_kwargs["kwargs"] == {"reset": False}


@pytest.mark.parametrize(
    ("body", "reset"),
    [({"reset": True}, True), ({"reset": "true"}, False), ({"reset": 1}, False), ({}, False)],
)
def test_init_demo_resets_only_on_literal_true(body, reset):
    response = Client().post(
        "/async/init-demo",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {OPS_TOKEN}",
    )
    assert response.status_code == 202
    task = DBTaskResult.objects.get(pk=response.json()["task_id"])
    assert task.args_kwargs["kwargs"] == {"reset": reset}


@pytest.mark.parametrize(
    "path", ["/async/init-demo", "/admin/backup-files", "/admin/restore-files", "/admin/backup-db"]
)
@pytest.mark.parametrize(
    ("who", "header", "status"),
    [
        ("anonymous", None, 401),
        ("anonymous", "Bearer wrong-token", 401),
        ("anonymous", "Bearer ", 401),
        ("staff", None, 403),
        ("user", None, 403),
        ("superuser-without-csrf", None, 403),
    ],
)
def test_ops_endpoints_refuse_everyone_else_and_change_nothing(path, who, header, status):
    user = {
        "anonymous": None,
        "staff": StaffFactory(),
        "user": UserFactory(),
        "superuser-without-csrf": SuperuserFactory(),
    }[who]
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = _csrf_client(user).post(path, content_type="application/json", **extra)
    assert response.status_code == status
    assert DBTaskResult.objects.count() == 0


def test_empty_ops_token_disables_token_auth(settings):
    settings.OPS_TOKEN = ""
    response = Client().post("/async/init-demo", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 401
    assert DBTaskResult.objects.count() == 0


def test_superuser_session_with_csrf_token_may_init_demo():
    client = _csrf_client(SuperuserFactory())
    token = _csrf_token(client)
    response = client.post("/async/init-demo", {"reset": "true"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 202
    task = DBTaskResult.objects.get(pk=response.json()["task_id"])
    assert task.args_kwargs["kwargs"] == {"reset": True}


def test_init_demo_is_get_proof():
    response = Client().get("/async/init-demo", HTTP_AUTHORIZATION=f"Bearer {OPS_TOKEN}")
    assert response.status_code == 405
