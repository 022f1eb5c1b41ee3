from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/login/"


def test_slashless_fastopp_paths_redirect(client: Client) -> None:
    for path in ("/login", "/protected"):
        response = client.get(path)
        assert response.status_code == 301
        assert response["Location"] == path + "/"


def test_login_with_email_and_password(client: Client) -> None:
    user = StaffFactory.create(email="ann@example.com")
    response = client.post(LOGIN, {"username": "ANN@example.com", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_shows_an_error_and_logs_nobody_in(client: Client) -> None:
    StaffFactory.create(email="ann@example.com")
    response = client.post(LOGIN, {"username": "ann@example.com", "password": "wrong"})
    assert response.status_code == 200
    assert b"Please enter a correct email" in response.content
    assert "_auth_user_id" not in client.session


def test_inactive_user_cannot_log_in(client: Client) -> None:
    UserFactory.create(email="bob@example.com", is_active=False)
    client.post(LOGIN, {"username": "bob@example.com", "password": DEFAULT_PASSWORD})
    assert "_auth_user_id" not in client.session


def test_login_requires_csrf_token() -> None:
    StaffFactory.create(email="ann@example.com")
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(
        LOGIN, {"username": "ann@example.com", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in csrf_client.session


def test_login_with_csrf_token_from_the_form_succeeds() -> None:
    StaffFactory.create(email="ann@example.com")
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.get(LOGIN)
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(
        LOGIN,
        {"username": "ann@example.com", "password": DEFAULT_PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "http://evil.example/path",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "///evil.example",
        " //evil.example",
    ],
)
def test_open_redirect_attempts_land_on_a_safe_page(client: Client, target: str) -> None:
    StaffFactory.create(email="ann@example.com")
    response = client.post(
        LOGIN, {"username": "ann@example.com", "password": DEFAULT_PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_safe_next_is_followed(client: Client) -> None:
    StaffFactory.create(email="ann@example.com")
    response = client.post(
        LOGIN, {"username": "ann@example.com", "password": DEFAULT_PASSWORD, "next": "/protected/"}
    )
    assert response["Location"] == "/protected/"


def test_logout_is_post_only(client: Client) -> None:
    client.force_login(StaffFactory.create())
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_protected_page_sends_anonymous_visitors_to_login(client: Client) -> None:
    response = client.get("/protected/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/protected/"


def test_protected_page_refuses_signed_in_non_staff(client: Client) -> None:
    client.force_login(UserFactory.create())
    assert client.get("/protected/").status_code == 403


def test_protected_page_shows_staff_their_roles(client: Client) -> None:
    client.force_login(StaffFactory.create(email="jo@example.com", roles=["marketing"]))
    response = client.get("/protected/")
    assert response.status_code == 200
    assert b"jo@example.com" in response.content
    assert b"marketing" in response.content


def test_header_shows_login_state(client: Client) -> None:
    anonymous = client.get("/").content.decode()
    assert "Not signed in" in anonymous
    assert 'href="/login/' in anonymous
    assert 'data-testid="staff-menu"' not in anonymous

    client.force_login(UserFactory.create(email="plain@example.com"))
    member = client.get("/").content.decode()
    assert "Signed in as <strong>plain@example.com</strong>" in member
    assert 'data-testid="staff-menu"' not in member

    client.force_login(StaffFactory.create(email="staffer@example.com"))
    staff = client.get("/").content.decode()
    assert 'data-testid="staff-menu"' in staff
    assert "Log out" in staff
