"""Loopback ports and waiting, for tests and the benchmark that start real servers."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable


def free_port() -> int:
    """A loopback TCP port nobody listens on now (the OS picks it, so parallel runs differ)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until(
    condition: Callable[[], bool],
    *,
    what: str = "condition",
    timeout: float = 10.0,
    interval: float = 0.05,
) -> None:
    """Poll `condition` until it holds; AssertionError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout:g} s")
        time.sleep(interval)


def wait_while_progressing(
    remaining: Callable[[], int],
    *,
    what: str = "work",
    stall_timeout: float = 60.0,
    interval: float = 0.2,
) -> None:
    """Poll until `remaining()` is 0; AssertionError only when it stops falling for
    `stall_timeout` seconds. A loaded machine is slow, not stuck: the deadline moves with
    progress, so the wait fails on a hang and not on a busy CI runner."""
    last = remaining()
    deadline = time.monotonic() + stall_timeout
    while last:
        time.sleep(interval)
        now = remaining()
        if now < last:
            last, deadline = now, time.monotonic() + stall_timeout
        elif time.monotonic() > deadline:
            raise AssertionError(f"{what}: {last} left, none done in {stall_timeout:g} s")


def port_open(port: int, *, host: str = "127.0.0.1") -> bool:
    """Whether something accepts TCP connections on the port."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def http_wait(url: str, *, timeout: float = 90.0) -> None:
    """Wait until a server answers HTTP on `url` with anything below 500.

    gunicorn's master listens before its workers have imported the app, so an open port
    is not a ready server: under load the first request would sit in the backlog."""
    import httpx

    def answers() -> bool:
        try:
            return httpx.get(url, timeout=5).status_code < 500
        except httpx.HTTPError:
            return False

    wait_until(answers, what=f"{url} answering", timeout=timeout, interval=0.2)
