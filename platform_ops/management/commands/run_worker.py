from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections
from django.utils.crypto import get_random_string

from platform_ops import services

MAX_BACKOFF_SECONDS = 30.0
# A child that ran this long was healthy; its exit restarts the backoff from 1 s.
HEALTHY_RUN_SECONDS = 60.0


class Command(BaseCommand):
    help = (
        "Run django-tasks-db's db_worker under supervision: heartbeats, recovery of tasks "
        "whose worker died, and a restart with backoff whenever the worker exits."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue-name", default="*", help="Queues, comma-separated, or *.")
        parser.add_argument("--interval", type=float, default=1.0, help="Idle poll seconds.")
        parser.add_argument(
            "--batch", action="store_true", help="Drain the queue once, then exit (tests, cron)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stopping = False
        self.child: subprocess.Popen[bytes] | None = None
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self._safely(services.worker_heartbeats_prune)
        backoff = 1.0
        while not self.stopping:
            started = time.monotonic()
            code = self._run_child(options)
            if self.stopping or (options["batch"] and code == 0):
                break
            if time.monotonic() - started > HEALTHY_RUN_SECONDS:
                backoff = 1.0
            self.stderr.write(f"db_worker exited with {code}; restarting in {backoff:.0f}s")
            self._sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True
        # Ctrl-C already reached the child through the terminal's process group; a second
        # signal would make db_worker abandon its task. SIGTERM comes to us alone: pass it on,
        # and the child finishes its current task before it exits.
        if signum == signal.SIGTERM and self.child is not None and self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.2, deadline - time.monotonic()))

    def _run_child(self, options: dict[str, Any]) -> int:
        worker_id = f"{socket.gethostname()[:24]}-{get_random_string(16)}"
        command = [
            sys.executable, "-m", "django", "db_worker",
            "--worker-id", worker_id,
            "--queue-name", options["queue_name"],
            "--interval", str(options["interval"]),
            "--no-reload",
        ]  # fmt: skip
        if options["batch"]:
            command.append("--batch")
        self.child = subprocess.Popen(command, cwd=settings.BASE_DIR)
        next_beat = next_recover = 0.0
        while (code := self.child.poll()) is None:
            now = time.monotonic()
            if now >= next_beat:
                next_beat = now + settings.TASK_HEARTBEAT_SECONDS
                self._safely(
                    services.worker_heartbeat_beat,
                    worker_id=worker_id,
                    pid=self.child.pid,
                    queues=options["queue_name"],
                )
            if now >= next_recover:
                next_recover = now + settings.TASK_RECOVER_EVERY_SECONDS
                self._safely(services.tasks_recover)
            time.sleep(0.2)
        # The child is gone: whatever it was running will never finish.
        self._safely(services.tasks_recover, dead_worker_id=worker_id)
        self._safely(services.worker_heartbeat_stop, worker_id=worker_id)
        return code

    def _safely(self, function: Any, **kwargs: Any) -> None:
        # A database restart must not kill the supervisor; the next round retries.
        try:
            function(**kwargs)
        except DatabaseError as exc:
            self.stderr.write(f"{function.__name__}: database unavailable ({type(exc).__name__})")
            close_old_connections()
