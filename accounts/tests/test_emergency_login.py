"""Emergency login links: the command, the token services and the view."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from accounts.models import LoginToken, User
from accounts.services import login_token_create, token_hash
from accounts.tests.factories import StaffFactory, SuperuserFactory, UserFactory


def _run(*args, **kwargs) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **kwargs)
    return out.getvalue()


@pytest.mark.django_db
def test_emergency_login_link_logs_in_once():
    SuperuserFactory(email="root@example.com")
    user = User.objects.get(email="root@example.com")
    output = _run("emergency_login", "ROOT@example.com", "--base-url", "https://app.example")
    link = re.search(r"https://app\.example(/ops/login/\S+)", output)
    assert link is not None
    path = link.group(1)
    token = path.rsplit("/", 1)[-1]
    # Only a hash is stored.
    assert not LoginToken.objects.filter(token_hash=token).exists()

    client = Client()
    assert client.get(path).status_code == 200  # a preview does not spend it
    response = client.post(path)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.get_expiry_age() <= 3600

    again = Client().post(path)
    assert again.status_code == 403
    assert "_auth_user_id" not in again.client.session


@pytest.mark.django_db
def test_emergency_login_link_expires():
    StaffFactory(email="staff@example.com")
    token = login_token_create(user=User.objects.get(email="staff@example.com"), minutes=5)
    LoginToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().post(f"/ops/login/{token}").status_code == 403


@pytest.mark.django_db
def test_emergency_login_refuses_unknown_and_inactive_users():
    with pytest.raises(CommandError):
        _run("emergency_login", "nobody@example.com")
    UserFactory(email="gone@example.com", is_active=False)
    with pytest.raises(CommandError):
        _run("emergency_login", "gone@example.com")
    assert Client().post("/ops/login/made-up-token").status_code == 403


@pytest.mark.django_db
def test_login_token_is_stored_with_the_one_token_hash():
    user = User.objects.get(email=StaffFactory(email="s@example.com").email)
    token = login_token_create(user=user, minutes=5)
    assert LoginToken.objects.get().token_hash == token_hash(raw=token)
