"""Bad API bearer tokens: five per address within 15 minutes, then 429 for every bearer
call from that address (a valid token too) until the window ends."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from freezegun import freeze_time

from accounts.services import api_token_create
from accounts.tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db

ENDPOINT = "/api/registrants"
ATTACKER = "198.51.100.7"


def _get(token: str, ip: str = ATTACKER, **headers: str) -> Any:
    return Client(REMOTE_ADDR=ip).get(
        ENDPOINT, headers={"Authorization": f"Bearer {token}", **headers}
    )


def _assert_refused(response: Any) -> None:
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    body = response.json()
    assert body["code"] == "too_many_invalid_tokens"
    assert "Try again in" in body["detail"]


def test_the_sixth_bad_token_is_429_and_then_a_valid_one_too() -> None:
    valid = api_token_create(user=SuperuserFactory.create(), name="script").plain
    for number in range(5):
        assert _get(f"fo_wrong{number}").status_code == 401
    _assert_refused(_get("fo_wrong5"))
    _assert_refused(_get(valid))
    # Another address is not affected.
    assert _get(valid, ip="192.0.2.50").status_code == 200


def test_the_lock_ends_with_the_window() -> None:
    valid = api_token_create(user=SuperuserFactory.create(), name="script").plain
    with freeze_time() as clock:
        for number in range(5):
            _get(f"fo_wrong{number}")
        clock.tick(timedelta(minutes=10))
        response = _get(valid)
        _assert_refused(response)
        assert int(response["Retry-After"]) == 5 * 60
        clock.tick(timedelta(minutes=5, seconds=1))
        assert _get(valid).status_code == 200


def test_good_tokens_do_not_count() -> None:
    valid = api_token_create(user=SuperuserFactory.create(), name="script").plain
    for _ in range(10):
        assert _get(valid).status_code == 200


def test_a_spoofed_forwarded_header_does_not_give_a_fresh_count() -> None:
    valid = api_token_create(user=SuperuserFactory.create(), name="script").plain
    for number in range(5):
        _get(f"fo_wrong{number}", **{"X-Forwarded-For": f"203.0.113.{number}"})
    _assert_refused(_get(valid, **{"X-Forwarded-For": "203.0.113.99"}))


def test_bad_ops_tokens_count_too(settings: Any) -> None:
    settings.OPS_TOKEN = "the-real-ops-token"
    client = Client(REMOTE_ADDR=ATTACKER)
    for number in range(5):
        response = client.post("/async/init-demo", headers={"Authorization": f"Bearer x{number}"})
        assert response.status_code == 401
    response = client.post(
        "/async/init-demo", headers={"Authorization": "Bearer the-real-ops-token"}
    )
    _assert_refused(response)
