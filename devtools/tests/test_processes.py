"""Process groups and management commands (devtools.processes)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import django
import pytest

from devtools.net import wait_until
from devtools.processes import ProcessGroup, manage_run

pytestmark = pytest.mark.slow

# A parent that starts a child sleeper, says so, and (with "ignore") outlives SIGTERM.
PARENT = """
import signal, subprocess, sys, time
if sys.argv[1] == "ignore":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
print("child", child.pid, flush=True)
time.sleep(600)
"""


def _child_pid(group: ProcessGroup, name: str) -> int:
    wait_until(lambda: "child" in group.log_text(name), what=f"{name} to start its child")
    return int(group.log_text(name).split()[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (dead, not yet reaped by its parent) still answers signal 0.
    return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()


def test_stop_sends_sigterm_to_the_whole_group(tmp_path: Path) -> None:
    with ProcessGroup(tmp_path, grace=30) as group:
        parent = group.start("polite", [sys.executable, "-c", PARENT, "obey"], env=os.environ)
        child = _child_pid(group, "polite")
    assert parent.returncode == -signal.SIGTERM
    wait_until(lambda: not _alive(child), what="the child to end with its parent's group")


def test_a_process_that_ignores_sigterm_is_killed_after_the_grace_period(tmp_path: Path) -> None:
    group = ProcessGroup(tmp_path)
    stubborn = group.start("stubborn", [sys.executable, "-c", PARENT, "ignore"], env=os.environ)
    child = _child_pid(group, "stubborn")
    group.stop(grace=0.5)
    assert stubborn.returncode == -signal.SIGKILL
    wait_until(lambda: not _alive(child), what="the child to be killed with the group")


def test_kill_skips_sigterm_and_leaves_ended_processes_alone(tmp_path: Path) -> None:
    group = ProcessGroup(tmp_path)
    done = group.start("done", [sys.executable, "-c", "print('bye')"], env=os.environ)
    done.wait(timeout=30)
    running = group.start("running", [sys.executable, "-c", PARENT, "obey"], env=os.environ)
    _child_pid(group, "running")
    group.kill()
    assert (done.returncode, running.returncode) == (0, -signal.SIGKILL)


def test_logs_are_per_name_and_shown_together(tmp_path: Path) -> None:
    group = ProcessGroup(tmp_path)
    for name in ("one", "two"):
        group.start(name, [sys.executable, "-c", f"print('{name} says hi')"], env=os.environ)
        group.started[name].wait(timeout=30)
    assert group.log_path("one") == tmp_path / "one.log"
    assert group.log_text("two") == "two says hi\n"
    assert group.log_text() == "--- one.log\none says hi\n\n--- two.log\ntwo says hi\n"
    with pytest.raises(ValueError, match="already started"):
        group.start("one", [sys.executable, "-c", "pass"], env=os.environ)


def test_manage_run_returns_stdout() -> None:
    assert manage_run("version", env=os.environ).strip() == django.get_version()


def test_manage_run_fails_with_the_end_of_stderr() -> None:
    with pytest.raises(AssertionError) as failed:
        manage_run("no_such_command", env=os.environ)
    message = str(failed.value)
    assert message.startswith("manage.py no_such_command failed (exit 1):\n")
    assert "Unknown command: 'no_such_command'" in message
