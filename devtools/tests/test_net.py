"""Ports and waiting (devtools.net)."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from devtools.net import free_port, http_wait, port_open, wait_until, wait_while_progressing


def test_free_port_can_be_bound_and_differs_while_held() -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", free_port()))
        held.listen()
        taken = held.getsockname()[1]
        assert port_open(taken)
        assert free_port() != taken


def test_wait_until_returns_as_soon_as_the_condition_holds() -> None:
    calls: list[int] = []

    def third_time() -> bool:
        calls.append(1)
        return len(calls) == 3

    wait_until(third_time, interval=0)
    assert len(calls) == 3


def test_wait_until_names_what_never_happened() -> None:
    with pytest.raises(AssertionError, match=r"the moon rising not met within 0\.05 s"):
        wait_until(lambda: False, what="the moon rising", timeout=0.05, interval=0.01)


def test_nothing_listens_on_a_fresh_free_port() -> None:
    assert not port_open(free_port())


def test_wait_while_progressing_waits_as_long_as_the_count_falls() -> None:
    counts = iter([5, 4, 3, 2, 1, 0])
    wait_while_progressing(lambda: next(counts), stall_timeout=1, interval=0)


def test_wait_while_progressing_fails_on_a_stall_with_what_is_left() -> None:
    with pytest.raises(AssertionError, match=r"the queue: 3 left, none done in 0\.05 s"):
        wait_while_progressing(lambda: 3, what="the queue", stall_timeout=0.05, interval=0.01)


class _Booting(BaseHTTPRequestHandler):
    """Answers 503 twice, then 200: a server still starting up, then ready."""

    calls = 0

    def do_GET(self) -> None:
        type(self).calls += 1
        self.send_response(200 if type(self).calls > 2 else 503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_http_wait_returns_once_the_server_answers_below_500() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Booting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        http_wait(f"http://127.0.0.1:{server.server_port}/", timeout=10)
        assert _Booting.calls == 3
    finally:
        server.shutdown()
        server.server_close()


def test_http_wait_names_a_server_that_never_answers() -> None:
    url = f"http://127.0.0.1:{free_port()}/healthz"
    with pytest.raises(AssertionError, match="answering not met"):
        http_wait(url, timeout=0.3)
