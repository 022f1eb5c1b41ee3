"""Real processes for tests and the benchmark: servers and workers started in a group and
stopped together, and management commands run to completion.

Each process gets a process group of its own, so a signal reaches what it started too
(gunicorn's workers, run_worker's db_worker, the command behind `sh -c`), and its output goes
to `<logdir>/<name>.log`, whose end a failing test shows.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# How much of a log or of a command's stderr a failure message shows: the end says why.
TAIL_CHARS = 3000


def manage_run(
    *args: str,
    env: Mapping[str, str],
    cwd: Path = PROJECT_ROOT,
    timeout: float | None = 120.0,
    python: str | Path = sys.executable,
) -> str:
    """`python manage.py <args>` run to its end: its stdout, or AssertionError with the end of
    its stderr when it exits non-zero."""
    done = subprocess.run(
        [str(python), "manage.py", *args],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} failed (exit {done.returncode}):\n"
            f"{done.stderr[-TAIL_CHARS:]}"
        )
    return done.stdout


class ProcessGroup:
    """Processes started by name and stopped together: `with ProcessGroup(logdir) as group:`
    stops them on exit (SIGTERM, then SIGKILL for any still running `grace` seconds later)."""

    def __init__(self, logdir: Path, *, grace: float = 20.0) -> None:
        self.logdir = logdir
        self.grace = grace
        self.started: dict[str, subprocess.Popen[bytes]] = {}

    def start(
        self,
        name: str,
        command: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: Path = PROJECT_ROOT,
    ) -> subprocess.Popen[bytes]:
        """Start `command` in a process group of its own, stdout and stderr to its log."""
        if name in self.started:
            raise ValueError(f"a process named {name!r} was already started in this group")
        # The child keeps its own copy of the file; ours is closed at once.
        with self.log_path(name).open("ab") as log:
            process = subprocess.Popen(
                list(command),
                cwd=cwd,
                env=dict(env),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started[name] = process
        return process

    def log_path(self, name: str) -> Path:
        return self.logdir / f"{name}.log"

    def log_text(self, name: str | None = None) -> str:
        """The end of one process's log, or of each one's under a `--- name.log` line."""
        if name is not None:
            return _tail(self.log_path(name))
        return "\n".join(f"--- {name}.log\n{_tail(self.log_path(name))}" for name in self.started)

    def stop(self, grace: float | None = None) -> None:
        """SIGTERM to every group still running; SIGKILL to those not ended `grace` seconds
        later (the group's own grace period when None)."""
        grace = self.grace if grace is None else grace
        running = [process for process in self.started.values() if process.poll() is None]
        for process in running:
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout=10)

    def kill(self) -> None:
        """SIGKILL to every group still running: no graceful shutdown at all."""
        for process in self.started.values():
            if process.poll() is None:
                _signal_group(process, signal.SIGKILL)
            process.wait(timeout=10)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _signal_group(process: subprocess.Popen[bytes], signum: signal.Signals) -> None:
    # Gone already when the caller ended and reaped it (a test's own SIGTERM, say).
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def _tail(log: Path) -> str:
    try:
        return log.read_text(errors="replace")[-TAIL_CHARS:]
    except FileNotFoundError:
        return "(no log)"
