"""Password reset by email and password change: Django's views under the accounts namespace."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from freezegun import freeze_time

from accounts.models import User
from accounts.tests.factories import (
    DEFAULT_PASSWORD,
    StaffFactory,
    SuperuserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

RESET = "/password/reset/"
NEW_PASSWORD = "a-brand-new-passphrase-42"


def _request_reset(client: Client, email: str) -> Any:
    return client.post(RESET, {"email": email})


def _link(mail: Any) -> str:
    match = re.search(r"https?://testserver(/password/reset/[^/\s]+/[^/\s]+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def _set_new_password(client: Client, link: str, password: str = NEW_PASSWORD) -> Any:
    # Django swaps the token in the URL for a session marker, then redirects to the form.
    response = client.get(link)
    assert response.status_code == 302
    form_url = response["Location"]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_login_page_links_to_the_reset(client: Client) -> None:
    content = client.get("/login/").content.decode()
    assert 'href="/password/reset/"' in content
    assert "Forgot password?" in content


def test_reset_mail_holds_a_link_that_sets_a_new_password_once(
    client: Client, mailoutbox: list[Any]
) -> None:
    user = StaffFactory.create(email="ann@example.com")
    response = _request_reset(client, "Ann@Example.com")
    assert response.status_code == 302
    assert response["Location"] == "/password/reset/sent/"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ann@example.com"]
    assert "Reset your FastOpp Django password" in mail.subject

    link = _link(mail)
    response = _set_new_password(client, link)
    assert response.status_code == 302
    assert response["Location"] == "/password/reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(DEFAULT_PASSWORD)

    # Second use: the token was made from the old password hash, so it no longer matches.
    again = Client().get(link, follow=True)
    assert again.status_code == 200
    assert "This link no longer works" in again.content.decode()
    # The new password signs in.
    signed_in = Client().post("/login/", {"username": "ann@example.com", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def test_an_expired_link_fails(client: Client, mailoutbox: list[Any], settings: Any) -> None:
    settings.PASSWORD_RESET_TIMEOUT = 60 * 60
    user = StaffFactory.create(email="ann@example.com")
    with freeze_time() as clock:
        _request_reset(client, "ann@example.com")
        link = _link(mailoutbox[0])
        clock.tick(timedelta(hours=1, seconds=1))
        response = client.get(link, follow=True)
    assert "This link no longer works" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_a_link_within_the_timeout_still_works(
    client: Client, mailoutbox: list[Any], settings: Any
) -> None:
    settings.PASSWORD_RESET_TIMEOUT = 60 * 60
    user = StaffFactory.create(email="ann@example.com")
    with freeze_time() as clock:
        _request_reset(client, "ann@example.com")
        link = _link(mailoutbox[0])
        clock.tick(timedelta(minutes=59))
        _set_new_password(client, link)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_tampered_link_fails(client: Client, mailoutbox: list[Any]) -> None:
    StaffFactory.create(email="ann@example.com")
    _request_reset(client, "ann@example.com")
    link = _link(mailoutbox[0])
    response = client.get(link[:-3] + "xx/", follow=True)
    assert "This link no longer works" in response.content.decode()


def test_unknown_email_gives_the_same_page_and_no_mail(
    client: Client, mailoutbox: list[Any]
) -> None:
    StaffFactory.create(email="ann@example.com")
    known = _request_reset(client, "ann@example.com")
    unknown = _request_reset(Client(), "nobody@example.com")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mailoutbox) == 1

    def page(path: str) -> str:
        # Each page holds a fresh CSRF token; everything else must be identical.
        return re.sub(r'"X-CSRFToken": "[^"]+"', "", Client().get(path).content.decode())

    assert page(unknown["Location"]) == page(known["Location"])


def test_inactive_users_get_no_mail(client: Client, mailoutbox: list[Any]) -> None:
    UserFactory.create(email="bob@example.com", is_active=False)
    assert _request_reset(client, "bob@example.com").status_code == 302
    assert mailoutbox == []


def test_a_malformed_email_is_a_form_error(client: Client, mailoutbox: list[Any]) -> None:
    response = _request_reset(client, "not-an-email")
    assert response.status_code == 200
    assert "Enter a valid email address" in response.content.decode()
    assert mailoutbox == []


def test_reset_requests_from_one_address_are_throttled(
    client: Client, mailoutbox: list[Any], settings: Any
) -> None:
    settings.PASSWORD_RESETS_PER_IP = 5
    for number in range(5):
        assert _request_reset(client, f"someone{number}@example.com").status_code == 302
    response = _request_reset(client, "ann@example.com")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert "Too many reset requests" in response.content.decode()
    # Another address is not affected.
    assert _request_reset(Client(REMOTE_ADDR="192.0.2.50"), "x@example.com").status_code == 302


def test_mails_to_one_email_are_capped_behind_the_same_page(
    mailoutbox: list[Any], settings: Any
) -> None:
    settings.PASSWORD_RESET_MAILS_PER_EMAIL = 3
    StaffFactory.create(email="ann@example.com")
    for number in range(5):
        response = _request_reset(Client(REMOTE_ADDR=f"192.0.2.{number}"), "ann@example.com")
        assert response.status_code == 302
        assert response["Location"] == "/password/reset/sent/"
    assert len(mailoutbox) == 3


# --- Password change ------------------------------------------------------------


def test_change_password_needs_a_signed_in_user(client: Client) -> None:
    response = client.get("/password/change/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/password/change/"


def test_change_password_requires_the_old_password(client: Client) -> None:
    user = StaffFactory.create(email="ann@example.com")
    client.force_login(user)
    response = client.post(
        "/password/change/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_change_password_with_the_old_one_keeps_this_session(client: Client) -> None:
    user = StaffFactory.create(email="ann@example.com")
    client.force_login(user)
    other = Client()
    other.force_login(user)
    response = client.post(
        "/password/change/",
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/password/change/done/"
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)
    assert client.get("/password/change/done/").status_code == 200
    # Another session of the same user was signed out by the new password hash.
    assert other.get("/password/change/").status_code == 302


def test_header_links_signed_in_users_to_change_password(client: Client) -> None:
    assert 'data-testid="change-password"' not in client.get("/").content.decode()
    client.force_login(UserFactory.create())
    assert 'href="/password/change/"' in client.get("/").content.decode()


def test_an_account_without_a_usable_password_sets_one_without_the_old(client: Client) -> None:
    user = SuperuserFactory.create(email="root@example.com")
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    assert "has no password yet" in client.get("/password/change/").content.decode()
    response = client.post(
        "/password/change/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)
