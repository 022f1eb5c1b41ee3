"""Ports and waiting (devtools.net)."""

from __future__ import annotations

import socket

import pytest

from devtools.net import free_port, port_open, port_wait, wait_until


def test_free_port_can_be_bound_and_differs_while_held() -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", free_port()))
        held.listen()
        taken = held.getsockname()[1]
        assert port_open(taken)
        assert free_port() != taken
        port_wait(taken, timeout=1)


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
