"""The event-loop middleware (fastopp_site.middleware) behaves like Django's under ASGI."""

from __future__ import annotations

import pytest
from django.test import AsyncClient

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


async def test_security_headers_are_set_on_async_requests() -> None:
    response = await AsyncClient().get("/")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


async def test_post_without_csrf_token_is_refused_under_asgi() -> None:
    client = AsyncClient(enforce_csrf_checks=True)
    response = await client.post("/login/", {"username": "a@example.com", "password": "x"})
    assert response.status_code == 403


async def test_login_under_asgi_saves_the_session_from_a_thread() -> None:
    from asgiref.sync import sync_to_async

    await sync_to_async(UserFactory.create)(email="asgi@example.com", password="pass-1234-word")
    client = AsyncClient(enforce_csrf_checks=True)
    page = await client.get("/login/")
    token = page.cookies["csrftoken"].value
    form = {"username": "asgi@example.com", "password": "pass-1234-word"}
    response = await client.post("/login/", {**form, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert "sessionid" in response.cookies
    # The saved session really is in the database: the next request is logged in.
    protected = await client.get("/protected/")
    assert protected.status_code in {200, 403}  # logged in (staff-only page), not a redirect


async def test_static_files_are_served_without_the_view_stack() -> None:
    response = await AsyncClient().get("/static/vendor/htmx.min.js")
    assert response.status_code == 200
    assert b"htmx" in response.content
