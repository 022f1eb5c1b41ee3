"""Personal API tokens: stored hashed, shown once, revocable, expiring, usable as Bearer."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import api_token_authenticate, api_token_create, api_token_revoke
from accounts.tests.factories import StaffFactory, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_only_the_hash_is_stored() -> None:
    user = StaffFactory.create()
    issued = api_token_create(user=user, name="ci")
    assert issued.plain.startswith("fo_")
    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.plain not in {stored.token_hash, stored.prefix, stored.name}
    assert len(stored.token_hash) == 64
    assert issued.plain.startswith(stored.prefix)
    assert api_token_authenticate(raw=issued.plain) == user


def test_revoked_expired_inactive_and_unknown_tokens_fail() -> None:
    user = StaffFactory.create()
    revoked = api_token_create(user=user, name="old")
    api_token_revoke(token=revoked.token)
    expired = api_token_create(
        user=user, name="x", expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert api_token_authenticate(raw=revoked.plain) is None
    assert api_token_authenticate(raw=expired.plain) is None
    assert api_token_authenticate(raw="fo_not-a-real-token") is None
    assert api_token_authenticate(raw="") is None

    inactive = UserFactory.create(is_active=False)
    assert api_token_authenticate(raw=api_token_create(user=inactive, name="x").plain) is None


def test_bearer_token_calls_the_api_without_csrf_or_session() -> None:
    user = SuperuserFactory.create()
    issued = api_token_create(user=user, name="script")
    client = Client(enforce_csrf_checks=True)
    headers = {"Authorization": f"Bearer {issued.plain}"}
    assert client.get("/api/registrants", headers=headers).status_code == 200
    response = client.post(
        "/api/products",
        {"name": "Lamp", "price": "10.00", "category": "Home"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert token.last_used_at is not None


def test_bad_bearer_token_is_401() -> None:
    client = Client()
    response = client.get("/api/registrants", headers={"Authorization": "Bearer fo_wrong"})
    assert response.status_code == 401


def test_token_role_rules_still_apply() -> None:
    support = StaffFactory.create(roles=["support"])
    issued = api_token_create(user=support, name="support script")
    response = Client().get("/api/registrants", headers={"Authorization": f"Bearer {issued.plain}"})
    assert response.status_code == 403


def test_createapitoken_prints_the_token_once() -> None:
    user = StaffFactory.create(email="ops@example.com")
    out = StringIO()
    call_command(
        "createapitoken",
        "ops@example.com",
        "--name",
        "deploy",
        "--days",
        "30",
        stdout=out,
        stderr=StringIO(),
    )
    plain = out.getvalue().strip()
    assert api_token_authenticate(raw=plain) == user
    token = ApiToken.objects.get(user=user)
    assert token.name == "deploy"
    assert token.expires_at is not None
    with pytest.raises(CommandError):
        call_command("createapitoken", "nobody@example.com", stdout=StringIO())


def test_admin_shows_the_plain_token_once(client: Client) -> None:
    admin_user = SuperuserFactory.create()
    owner = StaffFactory.create()
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/apitoken/add/",
        {"user": owner.pk, "name": "from admin", "expires_at_0": "", "expires_at_1": ""},
        follow=True,
    )
    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    token = ApiToken.objects.get(name="from admin")
    shown = next(message for message in messages if "fo_" in message)
    plain = shown.split("Token for ")[1].split(": ", 1)[1].split(" ")[0]
    assert api_token_authenticate(raw=plain) == owner
    assert plain.startswith(token.prefix)
    change_page = client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert plain not in change_page


def test_admin_revoke_action(client: Client) -> None:
    client.force_login(SuperuserFactory.create())
    issued = api_token_create(user=StaffFactory.create(), name="x")
    client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [issued.token.pk]},
    )
    assert api_token_authenticate(raw=issued.plain) is None
