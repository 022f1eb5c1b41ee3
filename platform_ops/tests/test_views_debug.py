"""The debug endpoints (platform_ops.views.debug, selectors.database)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import StaffFactory, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_debug_simple_is_public_and_reveals_nothing(client):
    body = client.get("/debug/simple").json()
    assert set(body) == {"status", "time"}


@pytest.mark.parametrize("path", ["/debug/database", "/debug/database-data", "/ops/"])
def test_operations_pages_refuse_everyone_but_operators(client, settings, path):
    assert client.get(path).status_code == 302  # to the login page
    for user in (UserFactory(), StaffFactory(roles=list(Role))):
        client.force_login(user)
        assert client.get(path).status_code == 403
    assert client.get(path, HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    settings.OPS_TOKEN = "ops-token-for-debug-tests-0123456789"
    token = "Bearer " + settings.OPS_TOKEN
    assert Client().get(path, HTTP_AUTHORIZATION=token).status_code == 200
    client.force_login(SuperuserFactory())
    assert client.get(path).status_code == 200


def test_debug_database_shows_engine_and_migrations(client):
    client.force_login(SuperuserFactory())
    body = client.get("/debug/database").json()
    assert body["vendor"] == connection.vendor
    assert body["migrations"]["up_to_date"] is True
    data = client.get("/debug/database-data").json()
    assert data["tables"]["accounts_user"] == 1
