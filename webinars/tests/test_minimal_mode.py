"""MINIMAL_MODE switches the demo pages, demo APIs and demo data off."""

from __future__ import annotations

import pytest
from django.conf import LazySettings
from django.test import Client

from accounts.models import User
from catalog.models import Product
from webinars.models import Registrant

pytestmark = pytest.mark.django_db


@pytest.fixture
def minimal_mode(settings: LazySettings) -> None:
    settings.MINIMAL_MODE = True


@pytest.mark.usefixtures("minimal_mode")
def test_demo_pages_and_apis_are_gone(client: Client) -> None:
    for url in (
        "/database-demo/",
        "/design-demo/",
        "/webinar-demo/",
        "/webinar-registrants/",
        "/api/products",
        "/api/webinar-attendees",
        "/api/registrants",
        "/ai-demo/",
    ):
        assert client.get(url).status_code == 404, url
    chat = client.post("/api/chat", {"message": "hi"}, content_type="application/json")
    assert chat.status_code == 404
    assert client.get("/").status_code == 200
    assert client.get("/login/").status_code == 200


@pytest.mark.usefixtures("minimal_mode")
def test_loaddemo_loads_only_users() -> None:
    from platform_ops.demo import demo_load

    result = demo_load()
    assert set(result.steps) == {"users"}
    assert User.objects.count() == 8
    assert Product.objects.count() == 0
    assert Registrant.objects.count() == 0


def test_pages_come_back_after_minimal_mode(client: Client) -> None:
    assert client.get("/api/products").status_code == 200
