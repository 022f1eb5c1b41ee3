"""TASKS_BACKEND in one process: the immediate mode end to end, the status endpoint's shape
across modes, /health's queue figures, and the start-up refusal of a bad value.

The thread mode is tested with real web processes (test_tasks_thread_mode.py), rq against
Redis (test_tasks_rq.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import StaffFactory
from catalog.models import ReportRun
from catalog.sales import sales_seed
from devtools.fake_llm import FakeLLMServer
from fastopp_site.startup import settings_problems
from fastopp_site.tests.settings_env import settings_from
from platform_ops.services.task_runner import task_run_now
from platform_ops.tests.processes import TASK_STATUS_KEYS

OPS_TOKEN = "ops-token-for-tests-0123456789"
BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "platform_ops.task_backends.ImmediateBackend",
    "thread": "platform_ops.task_backends.ThreadBackend",
    "rq": "django_tasks_rq.RQBackend",
}


@pytest.fixture
def tasks_backend(settings: Any) -> Any:
    settings.OPS_TOKEN = OPS_TOKEN

    def use(name: str) -> None:
        settings.TASKS_BACKEND = name
        settings.TASKS = {"default": {"BACKEND": BACKENDS[name], "QUEUES": settings.TASK_QUEUES}}

    return use


def _ops(client: Client, method: str, path: str) -> dict[str, Any]:
    response = getattr(client, method)(path, HTTP_AUTHORIZATION=f"Bearer {OPS_TOKEN}")
    assert response.status_code in {200, 202}, response.content
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.django_db(transaction=True)  # on_commit runs as in production
def test_immediate_mode_runs_init_demo_inside_the_request(tasks_backend: Any) -> None:
    tasks_backend("immediate")
    client = Client()
    queued = _ops(client, "post", "/async/init-demo")
    status = _ops(client, "get", f"/api/tasks/{queued['task_id']}")
    assert status["status"] == "SUCCESSFUL"  # already done when the 202 came back
    assert set(status) == TASK_STATUS_KEYS
    assert status["result"]["steps"]["users"]["total"] >= 1
    assert status["attempts"] == 1


@pytest.mark.django_db(transaction=True)
def test_immediate_mode_runs_a_queued_report(tasks_backend: Any) -> None:
    tasks_backend("immediate")
    sales_seed(orders=50, seed=3)
    client = Client()
    client.force_login(StaffFactory.create(roles=[Role.SALES]))
    queued = client.post(
        "/api/reports/top_products/runs", {"limit": 3}, content_type="application/json"
    )
    assert queued.status_code == 202, queued.content
    run = ReportRun.objects.get(pk=queued.json()["id"])
    assert run.status == "succeeded"
    assert run.task_id == queued.json()["task_id"]  # the run's own save kept the task id
    status = _ops(Client(), "get", f"/api/tasks/{run.task_id}")
    assert (status["status"], status["task"], status["queue"]) == (
        "SUCCESSFUL", "report_run", "reports",
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_immediate_mode_answers_a_queued_chat(tasks_backend: Any, fake_llm: FakeLLMServer) -> None:
    tasks_backend("immediate")
    asker = Client()
    queued = asker.post(
        "/api/chat/queued", {"message": "answer me now"}, content_type="application/json"
    )
    assert queued.status_code == 202, queued.content
    # The answer belongs to the session that asked: its cookie is what the status call needs.
    status = asker.get(f"/api/tasks/{queued.json()['task_id']}").json()
    assert status["status"] == "SUCCESSFUL"
    assert status["result"]["status"] == "complete"


@pytest.mark.django_db
def test_status_endpoint_has_one_shape_for_the_worker_and_the_immediate_mode(
    tasks_backend: Any, django_capture_on_commit_callbacks: Any
) -> None:
    answers: dict[str, dict[str, Any]] = {}
    for mode in ("database", "immediate"):
        tasks_backend(mode)
        client = Client()
        with django_capture_on_commit_callbacks(execute=True):
            task_id = _ops(client, "post", "/async/init-demo")["task_id"]
        if mode == "database":
            assert _ops(client, "get", f"/api/tasks/{task_id}")["status"] == "READY"
            task_run_now(task_id=task_id)  # what the worker does with it
        answers[mode] = _ops(client, "get", f"/api/tasks/{task_id}")
    shapes = {
        mode: {key: type(value).__name__ for key, value in body.items() if key != "id"}
        for mode, body in answers.items()
    }
    assert shapes["database"] == shapes["immediate"]
    assert set(answers["database"]) == TASK_STATUS_KEYS
    assert answers["database"]["result"].keys() == answers["immediate"]["result"].keys()


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["database", "immediate", "thread"])
def test_health_queue_figures_are_the_same_for_every_database_mode(
    tasks_backend: Any, mode: str
) -> None:
    tasks_backend(mode)
    body = Client().get("/health").json()
    assert body["queue"] == {"depth": 0, "running": 0, "oldest_waiting_seconds": None}


@pytest.mark.django_db
def test_health_and_ops_page_say_the_queue_is_unavailable_with_rq(
    tasks_backend: Any, superuser: Any
) -> None:
    tasks_backend("rq")
    response = Client().get("/health")
    assert response.status_code == 200  # the site still serves
    assert response.json()["queue"] == {"status": "unavailable with TASKS_BACKEND=rq"}
    client = Client()
    client.force_login(superuser)
    page = client.get("/ops/")
    assert page.status_code == 200
    assert b"not kept in the database (rq)" in page.content


@pytest.mark.django_db
def test_run_worker_refuses_a_backend_without_a_database_queue(tasks_backend: Any) -> None:
    tasks_backend("rq")
    with pytest.raises(CommandError, match="TASKS_BACKEND=rq keeps no tasks in the database"):
        call_command("run_worker", "--batch")


def test_unknown_tasks_backend_is_refused_at_start_up() -> None:
    problems = settings_problems(values=settings_from(TASKS_BACKEND="celery"))
    assert problems == ["TASKS_BACKEND must be one of database, thread, immediate, rq."]


def test_rq_backend_without_its_package_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    values = settings_from(TASKS_BACKEND="rq", TASKS_REDIS_URL="redis://cache:6379/1")
    assert values["TASKS"]["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert values["RQ_QUEUES"]["reports"] == {"URL": "redis://cache:6379/1"}
    assert "django_rq" in values["INSTALLED_APPS"]
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    [problem] = settings_problems(values=values)
    assert "TASKS_BACKEND=rq needs django-tasks-rq" in problem
