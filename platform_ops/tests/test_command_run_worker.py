"""`manage.py run_worker` in-process: a fake child and a fake clock, real heartbeats and tasks.

The real-process smoke test is in test_worker.py.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.tasks import TaskResultStatus
from platform_ops.management.commands import run_worker
from platform_ops.models import WorkerHeartbeat
from platform_ops.services.workers import worker_heartbeat_beat
from platform_ops.tests.factories import TaskResultFactory

pytestmark = pytest.mark.django_db


class FakeChild:
    """A db_worker that runs until the test kills it or it is sent SIGTERM."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.exit_code: int | None = None
        self.signals: list[int] = []

    def poll(self) -> int | None:
        return self.exit_code

    def send_signal(self, signum: int) -> None:
        self.signals.append(signum)
        self.exit_code = 0


class Harness:
    """Owns the fake clock; ``at`` schedules what happens to the supervisor at a time."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = 1000.0
        self.children: list[FakeChild] = []
        self.command: run_worker.Command | None = None
        self.events: list[tuple[float, Callable[[], None]]] = []
        harness = self

        def start_child(command: run_worker.Command, options: dict[str, Any]) -> FakeChild:
            harness.command = command
            command.worker_id = f"fake-{len(harness.children)}"
            child = FakeChild(pid=4000 + len(harness.children))
            harness.children.append(child)
            return child

        monkeypatch.setattr(run_worker.Command, "_start_child", start_child)
        monkeypatch.setattr(run_worker.Command, "clock", lambda _self: self.now)
        monkeypatch.setattr(run_worker.Command, "pause", lambda _self, seconds: self._pass(seconds))
        # The test process keeps its own signal handlers.
        monkeypatch.setattr(signal, "signal", lambda *args: None)

    def at(self, when: float, event: Callable[[], None]) -> None:
        self.events.append((self.now + when, event))

    def stop(self) -> None:
        assert self.command is not None
        self.command._stop(signal.SIGTERM, None)

    def _pass(self, seconds: float) -> None:
        self.now += seconds
        due = [event for event in self.events if event[0] <= self.now]
        self.events = [event for event in self.events if event[0] > self.now]
        for _, event in due:
            event()
        if self.now > 10_000:
            pytest.fail("the supervisor never stopped")

    def run(self, *args: str) -> str:
        err = StringIO()
        call_command("run_worker", *args, stdout=StringIO(), stderr=err)
        return err.getvalue()


def _running_task(worker_id: str) -> DBTaskResult[..., Any]:
    return TaskResultFactory.create(
        status=TaskResultStatus.RUNNING, started_at=timezone.now(), worker_ids=[worker_id]
    )


def test_a_killed_worker_has_its_task_requeued_and_is_restarted(monkeypatch, settings):
    settings.TASK_HEARTBEAT_SECONDS = 0.5
    harness = Harness(monkeypatch)
    tasks: list[DBTaskResult[..., Any]] = []

    def kill_first_child() -> None:
        tasks.append(_running_task("fake-0"))
        harness.children[0].exit_code = -signal.SIGKILL

    harness.at(2.0, kill_first_child)
    harness.at(10.0, harness.stop)
    err = harness.run()

    assert "db_worker exited with -9; restarting in 1s" in err
    assert len(harness.children) == 2
    task = DBTaskResult.objects.get(pk=tasks[0].pk)
    assert task.status == TaskResultStatus.READY  # recovered at once, not after the stale time
    assert harness.children[1].signals == [signal.SIGTERM]  # passed on, not abandoned
    beats = {beat.worker_id: beat for beat in WorkerHeartbeat.objects.all()}
    assert set(beats) == {"fake-0", "fake-1"}
    assert beats["fake-0"].pid == 4000
    assert all(beat.stopped_at is not None for beat in beats.values())


def test_sigterm_stops_the_worker_cleanly(monkeypatch):
    harness = Harness(monkeypatch)
    harness.at(1.0, harness.stop)
    harness.run()
    assert len(harness.children) == 1
    assert WorkerHeartbeat.objects.filter(stopped_at__isnull=True).count() == 0


def test_batch_mode_returns_once_the_queue_is_drained(monkeypatch):
    harness = Harness(monkeypatch)
    harness.at(1.0, lambda: setattr(harness.children[0], "exit_code", 0))
    harness.run("--batch")
    assert len(harness.children) == 1


# The supervisor closes a broken connection; that must not end a test transaction.
@pytest.mark.django_db(transaction=True)
def test_a_database_outage_does_not_kill_the_supervisor(monkeypatch):
    harness = Harness(monkeypatch)
    outage = {"on": True}

    def beat(**kwargs: Any) -> None:
        if outage["on"]:
            raise DatabaseError("server closed the connection unexpectedly")
        worker_heartbeat_beat(**kwargs)

    monkeypatch.setattr(f"{run_worker.__name__}.worker_heartbeat_beat", beat)
    harness.at(1.0, lambda: outage.update(on=False))
    harness.at(30.0, harness.stop)
    err = harness.run()
    assert "beat: database unavailable (DatabaseError)" in err
    assert WorkerHeartbeat.objects.filter(worker_id="fake-0").exists()  # beats resumed


def test_old_heartbeats_are_pruned_at_start(monkeypatch):
    long_ago = timezone.now() - timedelta(days=30)
    WorkerHeartbeat.objects.create(worker_id="old", started_at=long_ago, last_seen_at=long_ago)
    harness = Harness(monkeypatch)
    harness.at(1.0, harness.stop)
    harness.run()
    assert not WorkerHeartbeat.objects.filter(worker_id="old").exists()
