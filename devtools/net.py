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


def port_open(port: int, *, host: str = "127.0.0.1") -> bool:
    """Whether something accepts TCP connections on the port."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def port_wait(port: int, *, host: str = "127.0.0.1", timeout: float = 10.0) -> None:
    """Wait until something listens on the port."""
    wait_until(lambda: port_open(port, host=host), what=f"{host}:{port} listening", timeout=timeout)
