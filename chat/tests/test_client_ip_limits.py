"""The per-IP chat limit and the anonymous daily quota hold against rotated forged headers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

# transaction=True: the chat view closes its connection after each turn (chat.streaming),
# which inside a test's wrapping transaction would leave a closed one behind.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("offline")]


def _chat(client: Client, n: int, **headers: str) -> int:
    body = json.dumps({"message": f"hello {n}"})
    return client.post(
        "/api/chat", body, content_type="application/json", headers=headers
    ).status_code


@pytest.mark.parametrize("header", ["X-Forwarded-For", "X-Real-IP", "Forwarded", "Fly-Client-IP"])
def test_rotating_a_forged_address_does_not_pass_the_per_ip_limit(
    settings: Any, header: str
) -> None:
    settings.CHAT_RATE_LIMIT_IP_PER_MINUTE = 2
    # A new session each time too: nothing the client controls resets the count.
    statuses = [_chat(Client(), n, **{header: f"198.51.100.{n}"}) for n in range(4)]
    assert statuses == [200, 200, 429, 429]


def test_rotating_a_forged_address_does_not_pass_the_daily_quota(settings: Any) -> None:
    settings.CHAT_RATE_LIMIT_IP_PER_MINUTE = 0
    settings.CHAT_DAILY_QUOTA = 3
    statuses = [_chat(Client(), n, **{"X-Forwarded-For": f"198.51.100.{n}"}) for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_another_real_address_has_its_own_count(settings: Any) -> None:
    settings.CHAT_RATE_LIMIT_IP_PER_MINUTE = 1
    assert _chat(Client(REMOTE_ADDR="192.0.2.1"), 0) == 200
    assert _chat(Client(REMOTE_ADDR="192.0.2.1"), 1) == 429
    assert _chat(Client(REMOTE_ADDR="192.0.2.2"), 2) == 200
