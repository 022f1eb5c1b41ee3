"""Stuck-task recovery (platform_ops.services.workers), with an injected clock; one real-process
smoke test is in test_worker.py."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.module_loading import import_string

from core.tasks import TaskResultStatus
from platform_ops.models import WorkerHeartbeat
from platform_ops.services.workers import WORKER_LOST_EXCEPTION, WorkerLost, tasks_recover
from platform_ops.tests.factories import TaskResultFactory


def _run(*args, **kwargs) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **kwargs)
    return out.getvalue()


def _running_task(*, worker_ids: list[str], started_ago: float):
    return TaskResultFactory.create(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - timedelta(seconds=started_ago),
        worker_ids=worker_ids,
    )


@pytest.mark.django_db
def test_recover_requeues_tasks_of_silent_workers_only():
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="alive", started_at=now, last_seen_at=now)
    WorkerHeartbeat.objects.create(
        worker_id="silent", started_at=now, last_seen_at=now - timedelta(minutes=5)
    )
    alive = _running_task(worker_ids=["alive"], started_ago=600)
    silent = _running_task(worker_ids=["silent"], started_ago=600)
    young = _running_task(worker_ids=["silent"], started_ago=1)
    out = _run("recover_tasks", "--stale-seconds", "30")
    assert out.strip() == "re-queued 1, failed 0"
    silent.refresh_from_db()
    assert silent.status == TaskResultStatus.READY
    assert silent.started_at is None
    for task in (alive, young):
        task.refresh_from_db()
        assert task.status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_recover_fails_a_task_after_max_attempts_with_a_reason():
    task = _running_task(worker_ids=["a", "b", "c"], started_ago=600)
    result = tasks_recover(stale_seconds=30, max_attempts=3)
    assert result.failed == [str(task.pk)]
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == WORKER_LOST_EXCEPTION
    assert "3 attempts" in task.traceback
    assert task.finished_at is not None


@pytest.mark.django_db
def test_recover_acts_at_once_on_a_worker_known_dead():
    task = _running_task(worker_ids=["gone"], started_ago=0)
    assert tasks_recover(dead_worker_id="gone").requeued == [str(task.pk)]


def test_worker_lost_exception_names_the_class_where_it_lives():
    assert import_string(WORKER_LOST_EXCEPTION) is WorkerLost


@pytest.mark.django_db
def test_task_of_a_dead_host_is_recovered_once_its_heartbeat_is_stale():
    # The whole host goes: supervisor and worker die together, nobody says goodbye.
    last_seen = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="host", started_at=last_seen, last_seen_at=last_seen)
    task = _running_task(worker_ids=["host"], started_ago=1)
    assert tasks_recover(stale_seconds=3, now=last_seen + timedelta(seconds=2.9)).requeued == []
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING
    later = last_seen + timedelta(seconds=3.1)
    assert tasks_recover(stale_seconds=3, now=later).requeued == [str(task.pk)]
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY
