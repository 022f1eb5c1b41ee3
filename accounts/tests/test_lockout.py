"""Sign-in throttling (django-axes): two limits, a 15-minute cool-off, reset on success,
the admin's login too, and the client address the server was given (never a header)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from axes.helpers import get_client_ip_address
from django.test import Client, RequestFactory
from freezegun import freeze_time

from accounts.tests.factories import DEFAULT_PASSWORD, StaffFactory, SuperuserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/login/"
ADMIN_LOGIN = "/admin/login/"
ATTACKER = "198.51.100.7"


def _client(ip: str = ATTACKER) -> Client:
    return Client(REMOTE_ADDR=ip)


def _sign_in(client: Client, email: str, password: str, path: str = LOGIN, **extra: Any) -> Any:
    return client.post(path, {"username": email, "password": password}, **extra)


def _assert_locked(response: Any, minutes: int = 15) -> None:
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= minutes * 60
    body = response.content.decode()
    assert f"Too many failed sign-ins. Try again in {minutes} minutes." in body
    assert '<header class="navbar' in body  # the site's layout, not a bare text page


def test_five_wrong_passwords_lock_that_email_even_for_the_right_one() -> None:
    StaffFactory.create(email="ann@example.com")
    client = _client()
    for _ in range(4):
        assert _sign_in(client, "ann@example.com", "wrong").status_code == 200
    _assert_locked(_sign_in(client, "ann@example.com", "wrong"))

    response = _sign_in(client, "ann@example.com", DEFAULT_PASSWORD)
    _assert_locked(response)
    assert int(response["Retry-After"]) > 14 * 60
    assert "_auth_user_id" not in client.session


def test_case_changes_in_the_email_count_as_the_same_email() -> None:
    StaffFactory.create(email="ann@example.com")
    client = _client()
    for variant in ("ann@example.com", "ANN@example.com", "Ann@Example.com", " ann@example.COM"):
        _sign_in(client, variant, "wrong")
    _assert_locked(_sign_in(client, "aNN@example.com", "wrong"))


def test_the_lock_is_per_email_and_address() -> None:
    StaffFactory.create(email="ann@example.com")
    StaffFactory.create(email="bea@example.com")
    for _ in range(5):
        _sign_in(_client(), "ann@example.com", "wrong")
    # Another account from the same address, and the same account from elsewhere, still work.
    assert _sign_in(_client(), "bea@example.com", DEFAULT_PASSWORD).status_code == 302
    assert _sign_in(_client("192.0.2.50"), "ann@example.com", DEFAULT_PASSWORD).status_code == 302


def test_twenty_failures_across_emails_lock_the_address() -> None:
    StaffFactory.create(email="victim@example.com")
    client = _client()
    for number in range(19):
        response = _sign_in(client, f"guess{number}@example.com", "wrong")
        assert response.status_code == 200
    _assert_locked(_sign_in(client, "guess19@example.com", "wrong"))
    # Every email is refused from that address now, a correct password included.
    _assert_locked(_sign_in(client, "victim@example.com", DEFAULT_PASSWORD))
    # Other addresses are not affected.
    assert (
        _sign_in(_client("192.0.2.50"), "victim@example.com", DEFAULT_PASSWORD).status_code == 302
    )


def test_a_success_resets_that_emails_count() -> None:
    StaffFactory.create(email="ann@example.com")
    client = _client()
    for _ in range(4):
        _sign_in(client, "ann@example.com", "wrong")
    assert _sign_in(client, "ann@example.com", DEFAULT_PASSWORD).status_code == 302
    client.post("/logout/")
    for _ in range(4):
        assert _sign_in(client, "ann@example.com", "wrong").status_code == 200
    assert _sign_in(client, "ann@example.com", DEFAULT_PASSWORD).status_code == 302


def test_signing_into_ones_own_account_does_not_reset_the_address_count() -> None:
    StaffFactory.create(email="mallory@example.com")
    client = _client()
    for number in range(19):
        _sign_in(client, f"guess{number}@example.com", "wrong")
    assert _sign_in(client, "mallory@example.com", DEFAULT_PASSWORD).status_code == 302
    client.post("/logout/")
    _assert_locked(_sign_in(client, "guess19@example.com", "wrong"))


def test_the_lock_ends_after_the_cool_off() -> None:
    StaffFactory.create(email="ann@example.com")
    client = _client()
    with freeze_time() as clock:
        for _ in range(5):
            _sign_in(client, "ann@example.com", "wrong")
        clock.tick(timedelta(minutes=10))
        response = _sign_in(client, "ann@example.com", DEFAULT_PASSWORD)
        _assert_locked(response, minutes=5)
        # Trying during the lock does not restart the wait.
        assert int(response["Retry-After"]) == 5 * 60
        clock.tick(timedelta(minutes=5, seconds=1))
        assert _sign_in(client, "ann@example.com", DEFAULT_PASSWORD).status_code == 302


def test_the_admin_login_is_locked_too() -> None:
    SuperuserFactory.create(email="root@example.com")
    client = _client()
    for _ in range(4):
        assert _sign_in(client, "root@example.com", "wrong", ADMIN_LOGIN).status_code == 200
    _assert_locked(_sign_in(client, "root@example.com", "wrong", ADMIN_LOGIN))
    _assert_locked(_sign_in(client, "root@example.com", DEFAULT_PASSWORD, ADMIN_LOGIN))
    # The lock is shared: the site's login page refuses as well.
    _assert_locked(_sign_in(client, "root@example.com", DEFAULT_PASSWORD))


@pytest.mark.parametrize(
    "header", ["X-Forwarded-For", "X-Real-IP", "Forwarded", "Fly-Client-IP", "CF-Connecting-IP"]
)
def test_a_spoofed_forwarded_header_neither_dodges_nor_lifts_the_lock(header: str) -> None:
    # The peer is not a trusted proxy, so the server left REMOTE_ADDR as the peer's address.
    StaffFactory.create(email="ann@example.com")
    client = _client()
    for number in range(5):
        _sign_in(client, "ann@example.com", "wrong", headers={header: f"203.0.113.{number}"})
    response = _sign_in(
        client, "ann@example.com", DEFAULT_PASSWORD, headers={header: "203.0.113.200"}
    )
    _assert_locked(response)


def test_the_login_page_itself_still_opens_while_locked() -> None:
    StaffFactory.create(email="ann@example.com")
    client = _client()
    for _ in range(5):
        _sign_in(client, "ann@example.com", "wrong")
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert 'href="/password/reset/"' in response.content.decode()


def test_an_overlong_email_is_refused_without_a_server_error() -> None:
    client = _client()
    email = "a" * 60 + "." + "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + "@example.com"
    response = _sign_in(client, email, "wrong")
    assert response.status_code in {200, 400}


def test_axes_asks_the_projects_client_ip_function_not_a_header() -> None:
    request = RequestFactory().post(
        LOGIN, headers={"X-Forwarded-For": "203.0.113.9"}, REMOTE_ADDR="192.0.2.7"
    )
    # use_ipware=True: without the project's callable axes would read X-Forwarded-For.
    assert get_client_ip_address(request, use_ipware=True) == "192.0.2.7"


def test_a_request_without_an_address_is_counted_under_none() -> None:
    # PostgreSQL's inet column refuses client_ip's "unknown"; every such client shares NULL.
    from accounts.lockout import login_client_ip

    request = RequestFactory().post(LOGIN, headers={"X-Forwarded-For": "203.0.113.9"})
    request.META.pop("REMOTE_ADDR", None)
    assert login_client_ip(request) is None


def test_sign_ins_without_an_address_are_counted_and_locked() -> None:
    StaffFactory.create(email="ann@example.com")
    client = Client()
    client.defaults["REMOTE_ADDR"] = ""  # what a server on a Unix socket may leave
    for _ in range(4):
        assert _sign_in(client, "ann@example.com", "wrong").status_code == 200
    _assert_locked(_sign_in(client, "ann@example.com", "wrong"))
    _assert_locked(_sign_in(client, "ann@example.com", DEFAULT_PASSWORD))


@pytest.mark.django_db(transaction=True)
async def test_the_lock_answers_429_under_asgi_too() -> None:
    # Axes' async middleware path calls the lockout response with other arguments.
    from asgiref.sync import sync_to_async
    from django.test import AsyncClient

    await sync_to_async(StaffFactory.create)(email="ann@example.com")
    client = AsyncClient(REMOTE_ADDR=ATTACKER)
    for _ in range(4):
        response = await client.post(LOGIN, {"username": "ann@example.com", "password": "x"})
        assert response.status_code == 200
    _assert_locked(await client.post(LOGIN, {"username": "ann@example.com", "password": "x"}))
    _assert_locked(
        await client.post(LOGIN, {"username": "ann@example.com", "password": DEFAULT_PASSWORD})
    )
