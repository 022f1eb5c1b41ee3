from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections
from django.utils.crypto import get_random_string

from platform_ops.selectors.task_results import task_queue_in_database
from platform_ops.services.workers import (
    tasks_recover,
    worker_heartbeat_beat,
    worker_heartbeat_stop,
    worker_heartbeats_prune,
)
from platform_ops.supervisor import SupervisorAction, SupervisorState, supervisor_step

POLL_SECONDS = 0.2


class Command(BaseCommand):
    help = (
        "Run django-tasks-db's db_worker under supervision: heartbeats, recovery of tasks "
        "whose worker died, and a restart with backoff whenever the worker exits."
    )
    # Class attributes so that tests drive the loop with a fake clock, without sleeping.
    clock: Callable[[], float] = staticmethod(time.monotonic)
    pause: Callable[[float], None] = staticmethod(time.sleep)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue-name", default="*", help="Queues, comma-separated, or *.")
        parser.add_argument("--interval", type=float, default=1.0, help="Idle poll seconds.")
        parser.add_argument(
            "--batch", action="store_true", help="Drain the queue once, then exit (tests, cron)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not task_queue_in_database():
            raise CommandError(
                f"TASKS_BACKEND={settings.TASKS_BACKEND} keeps no tasks in the database; "
                "run its own worker (README: Tasks)."
            )
        self.stopping = False
        self.child: subprocess.Popen[bytes] | None = None
        self.worker_id = ""
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self._safely(worker_heartbeats_prune)
        state = SupervisorState()
        while True:
            exit_code = self.child.poll() if self.child is not None else None
            now = self.clock()
            actions = supervisor_step(
                state=state,
                now=now,
                exit_code=exit_code,
                stopping=self.stopping,
                batch=options["batch"],
                heartbeat_seconds=settings.TASK_HEARTBEAT_SECONDS,
                recover_every_seconds=settings.TASK_RECOVER_EVERY_SECONDS,
            )
            for action in actions:
                self._act(action, options=options)
            if SupervisorAction.EXIT in actions:
                return
            if SupervisorAction.CHILD_GONE in actions:
                self.stderr.write(
                    f"db_worker exited with {exit_code}; "
                    f"restarting in {state.restart_at - now:.0f}s"
                )
            self.pause(POLL_SECONDS)

    def _act(self, action: SupervisorAction, *, options: dict[str, Any]) -> None:
        if action is SupervisorAction.START:
            self.child = self._start_child(options)
        elif action is SupervisorAction.BEAT and self.child is not None:
            self._safely(
                worker_heartbeat_beat,
                worker_id=self.worker_id,
                pid=self.child.pid,
                queues=options["queue_name"],
            )
        elif action is SupervisorAction.RECOVER:
            self._safely(tasks_recover)
        elif action is SupervisorAction.CHILD_GONE:
            # The child is gone: whatever it was running will never finish.
            self._safely(tasks_recover, dead_worker_id=self.worker_id)
            self._safely(worker_heartbeat_stop, worker_id=self.worker_id)
            self.child = None

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True
        # Ctrl-C already reached the child through the terminal's process group; a second
        # signal would make db_worker abandon its task. SIGTERM comes to us alone: pass it on,
        # and the child finishes its current task before it exits.
        if signum == signal.SIGTERM and self.child is not None and self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)

    def _start_child(self, options: dict[str, Any]) -> subprocess.Popen[bytes]:
        self.worker_id = f"{socket.gethostname()[:24]}-{get_random_string(16)}"
        command = [
            sys.executable, "-m", "django", "db_worker",
            "--worker-id", self.worker_id,
            "--queue-name", options["queue_name"],
            "--interval", str(options["interval"]),
            "--no-reload",
        ]  # fmt: skip
        if options["batch"]:
            command.append("--batch")
        return subprocess.Popen(command, cwd=settings.BASE_DIR)

    def _safely(self, function: Callable[..., object], **kwargs: Any) -> None:
        # A database restart must not kill the supervisor; the next round retries.
        try:
            function(**kwargs)
        except DatabaseError as exc:
            self.stderr.write(f"{function.__name__}: database unavailable ({type(exc).__name__})")
            close_old_connections()
