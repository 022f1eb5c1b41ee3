"""The debug endpoints (platform_ops.views.debug, selectors.database)."""

from __future__ import annotations

import pytest
from django.db import connection

from accounts.tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_debug_simple_is_public_and_reveals_nothing(client):
    body = client.get("/debug/simple").json()
    assert set(body) == {"status", "time"}


@pytest.mark.parametrize("path", ["/debug/database", "/debug/database-data", "/ops/"])
def test_staff_debug_pages_refuse_others(client, path):
    assert client.get(path).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(path).status_code == 403


def test_debug_database_shows_engine_and_migrations(client):
    client.force_login(StaffFactory())
    body = client.get("/debug/database").json()
    assert body["vendor"] == connection.vendor
    assert body["migrations"]["up_to_date"] is True
    data = client.get("/debug/database-data").json()
    assert data["tables"]["accounts_user"] == 1
