"""The Procfile's web server believes X-Forwarded-For only from FORWARDED_ALLOW_IPS.

One real gunicorn + uvicorn process, started with the Procfile's own web line through a
shell, trusts 127.0.0.2 as "the platform's proxy". The test client connects from 127.0.0.1
(an untrusted peer: every forged header is ignored and the chat's per-IP limit counts the
peer) and from 127.0.0.2 (the proxy: the right-most X-Forwarded-For entry, the one the
proxy appended, is the client, whatever the client wrote to its left).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from devtools.net import free_port, wait_until
from fastopp_site.checks import forwarded_allow_ips_check
from fastopp_site.tests.settings_env import ROOT, environment_for_process

PROXY = "127.0.0.2"  # loopback too, so the test can connect from it; not the client's 127.0.0.1
APP_IP = "192.0.2.200"  # Fly appends the app's own anycast IP after the client's: trusted too
CSRF = "a" * 32  # a well-formed token; the cookie and the header only have to agree
LIMIT = 2


def _web_line() -> str:
    line = re.search(r"^web: (.*)$", (ROOT / "Procfile").read_text(), re.M)
    assert line
    return line.group(1)


def _chat(port: int, *, source: str, **headers: str) -> int:
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=30, source_address=(source, 0)
    )
    try:
        connection.request(
            "POST",
            "/api/chat",
            body=json.dumps({"message": "hello"}),
            headers={
                "Host": "127.0.0.1",
                "Content-Type": "application/json",
                "Cookie": f"csrftoken={CSRF}",
                "X-CSRFToken": CSRF,
                **headers,
            },
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    tmp = tmp_path_factory.mktemp("boundary")
    port = free_port()
    env = environment_for_process(
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        HOME=str(tmp),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        PORT=str(port),
        WEB_CONCURRENCY="1",
        FORWARDED_ALLOW_IPS=f"{PROXY},{APP_IP}",
        CHAT_BACKEND="",
        OPENROUTER_API_KEY="",
        CHAT_OFFLINE_WORD_DELAY="0",
        CHAT_RATE_LIMIT_IP_PER_MINUTE=str(LIMIT),
        CHAT_RATE_LIMIT_USER_PER_MINUTE="0",
    )
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
    subprocess.run(migrate, cwd=ROOT, env=env, check=True, timeout=120)
    log_path = tmp / "gunicorn.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        ["sh", "-c", f"exec {_web_line()}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def answers() -> bool:
        if process.poll() is not None:
            raise AssertionError(log_path.read_text())
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            return connection.getresponse().status == 200
        except OSError:
            return False

    try:
        wait_until(answers, what="gunicorn answered /healthz", timeout=60, interval=0.1)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


@pytest.mark.slow
def test_forged_headers_from_an_untrusted_peer_are_ignored(server: int) -> None:
    forged = [
        {"X-Forwarded-For": "198.51.100.1"},
        {"X-Forwarded-For": "198.51.100.2, 198.51.100.3"},
        {"X-Real-IP": "198.51.100.4"},
        {"Forwarded": "for=198.51.100.5"},
        {"X-Forwarded-For": PROXY},
    ]
    statuses = [_chat(server, source="127.0.0.1", **headers) for headers in forged]
    # All five are the one peer, 127.0.0.1: two pass, the rest hit its per-IP limit.
    assert statuses == [200] * LIMIT + [429] * (len(forged) - LIMIT)


@pytest.mark.slow
def test_the_trusted_proxys_entry_is_the_client_and_the_left_of_it_is_not(server: int) -> None:
    def via_proxy(chain: str) -> int:
        return _chat(server, source=PROXY, **{"X-Forwarded-For": chain})

    # The client forges what it likes on the left; the proxy appends what it saw.
    same_client = [via_proxy(f"198.51.100.{n}, 203.0.113.7") for n in range(LIMIT + 1)]
    assert same_client == [200] * LIMIT + [429]
    assert via_proxy("203.0.113.8") == 200  # another real client has its own count
    # A forged entry naming the proxy is skipped as one of its hops: the client stays 203.0.113.8.
    assert via_proxy(f"203.0.113.8, {PROXY}") == 200
    assert via_proxy(f"203.0.113.8, {PROXY}") == 429


@pytest.mark.parametrize(("value", "warned"), [("*", True), ("10.0.0.1, *", True),
                                               ("127.0.0.1,::1", False), ("", False)])  # fmt: skip
def test_the_deploy_check_warns_when_every_peer_is_trusted(value: str, warned: bool) -> None:
    with override_settings(FORWARDED_ALLOW_IPS=value):
        found = [message.id for message in forwarded_allow_ips_check(None)]
    assert found == (["fastopp.W010"] if warned else [])


@pytest.mark.slow
def test_flys_chain_counts_the_client_before_the_apps_own_address(server: int) -> None:
    # What Fly delivers for a client that forged 198.51.100.9: "forged, client, app's IP".
    chain = f"198.51.100.9, 203.0.113.20, {APP_IP}"
    statuses = [_chat(server, source=PROXY, **{"X-Forwarded-For": chain}) for _ in range(LIMIT + 1)]
    assert statuses == [200] * LIMIT + [429]
    other = f"198.51.100.9, 203.0.113.21, {APP_IP}"
    assert _chat(server, source=PROXY, **{"X-Forwarded-For": other}) == 200
