"""Run queued tasks inside the web process, for hosts that cannot run a worker.

TASKS_BACKEND=thread stores every task in the database exactly as the worker mode does;
this module runs them in a background thread of each web process, through django-tasks-db's
own `Worker` (the code `manage.py run_worker` runs), so a task's status, its heartbeats and
/health's queue figures are the same as with a worker. Two web processes (gunicorn's
workers, or two machines) are safe: the worker's claim takes each task once.

TASKS_BACKEND=immediate stores the task the same way and runs it in the request that
queued it, once that request's transaction has committed (`task_run_now`).
"""

from __future__ import annotations

import atexit
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from platform_ops.services.workers import (
    tasks_recover,
    worker_heartbeat_beat,
    worker_heartbeat_stop,
)

logger = logging.getLogger(__name__)

# Seconds between retries after the database failed (a restart, a lost connection).
ERROR_PAUSE_SECONDS = 1.0


def _worker_id(kind: str) -> str:
    # At most 64 characters (django-tasks-db's limit), unique per process and start.
    return f"{socket.gethostname()[:24]}-{kind}-{os.getpid()}-{get_random_string(8)}"


def _worker(*, backend_name: str, worker_id: str) -> Worker:
    return Worker(
        queue_names=["*"],
        interval=0.5,  # only used while SQLite is locked by another writer
        batch=True,  # drain what is ready, then return to the runner's wait
        backend_name=backend_name,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def _safely(function: Callable[..., object], **kwargs: Any) -> None:
    # A database restart must not end the thread; the next round retries.
    try:
        function(**kwargs)
    except DatabaseError as exc:
        logger.warning("%s: database unavailable (%s)", function.__name__, type(exc).__name__)
        close_old_connections()


class TaskRunner:
    """One per web process: a thread that runs tasks and one that sends its heartbeats.

    The heartbeat has its own thread so that a long report does not make this process look
    dead to the other processes' recovery, which would run the report a second time.
    """

    def __init__(self, *, backend_name: str) -> None:
        self.pid = os.getpid()
        self.worker_id = _worker_id("web")
        self.worker = _worker(backend_name=backend_name, worker_id=self.worker_id)
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.work_thread = threading.Thread(target=self._work, name="tasks-runner", daemon=True)
        self.beat_thread = threading.Thread(
            target=self._beat, name="tasks-runner-heartbeat", daemon=True
        )

    def start(self) -> None:
        # Daemon threads, stopped by `stop` at interpreter exit: gunicorn's worker exits
        # normally on SIGTERM, so the task in hand finishes first (within the grace period).
        atexit.register(self.stop)
        self.beat_thread.start()
        self.work_thread.start()

    def alive(self) -> bool:
        return self.pid == os.getpid() and self.work_thread.is_alive()

    def stop(self, timeout: float | None = None) -> None:
        self.stopping.set()
        self.worker.running = False  # the worker finishes its current task, then returns
        self.wake.set()
        grace = settings.TASK_RUNNER_SHUTDOWN_SECONDS if timeout is None else timeout
        self.work_thread.join(timeout=grace)
        self.beat_thread.join(timeout=grace)
        if self.work_thread.is_alive():
            # Cut off mid-task: the others' recovery re-queues it once the heartbeat is stale.
            logger.warning("Task runner %s stopped with a task still running", self.worker_id)
        _safely(worker_heartbeat_stop, worker_id=self.worker_id)
        connection.close()

    def _work(self) -> None:
        while not self.stopping.is_set():
            self.wake.clear()
            try:
                self.worker.run()
            except DatabaseError as exc:
                logger.warning("Task runner: database unavailable (%s)", type(exc).__name__)
                time.sleep(ERROR_PAUSE_SECONDS)
            except Exception:
                # A task's own failure is recorded by the worker; this is anything else.
                logger.exception("Task runner round failed")
                time.sleep(ERROR_PAUSE_SECONDS)
            finally:
                connection.close()  # this thread's connection; a new one next round
            self.wake.wait(settings.TASK_RUNNER_POLL_SECONDS)

    def _beat(self) -> None:
        next_recover = 0.0
        while not self.stopping.is_set():
            _safely(worker_heartbeat_beat, worker_id=self.worker_id, pid=os.getpid(), queues="*")
            if time.monotonic() >= next_recover:
                next_recover = time.monotonic() + settings.TASK_RECOVER_EVERY_SECONDS
                _safely(tasks_recover)
            connection.close()
            self.stopping.wait(settings.TASK_HEARTBEAT_SECONDS)


_runner: TaskRunner | None = None
_runner_lock = threading.Lock()


def task_runner_start(*, backend_name: str = "default") -> TaskRunner:
    """This process's runner, started on first use (and again in a forked child)."""
    global _runner
    with _runner_lock:
        if _runner is None or not _runner.alive():
            _runner = TaskRunner(backend_name=backend_name)
            _runner.start()
        return _runner


def task_runner_wake(*, backend_name: str = "default") -> None:
    """Tell this process's runner that a task was queued (called after commit)."""
    task_runner_start(backend_name=backend_name).wake.set()


def task_runner_stop(*, timeout: float | None = None) -> None:
    global _runner
    with _runner_lock:
        runner, _runner = _runner, None
    if runner is not None and runner.pid == os.getpid():
        runner.stop(timeout=timeout)


def task_run_now(*, task_id: str, backend_name: str = "default") -> None:
    """Claim one stored task and run it in this thread, with the worker's code path."""
    worker_id = _worker_id("request")
    with exclusive_transaction(DBTaskResult.objects.db):
        task = (
            DBTaskResult.objects.ready().filter(pk=task_id, backend_name=backend_name).get_locked()
        )
        if task is not None:
            task.claim(worker_id)
    if task is not None:
        _worker(backend_name=backend_name, worker_id=worker_id).run_task(task)
