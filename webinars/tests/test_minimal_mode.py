"""MINIMAL_MODE switches the demo pages, demo APIs and demo data off."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.test import Client, override_settings
from django.urls import clear_url_caches

from accounts.models import User
from catalog.models import Product
from webinars.models import Registrant

pytestmark = pytest.mark.django_db


def _rebuild_urls() -> None:
    import fastopp_site.api
    import fastopp_site.urls

    # The URLconf and the API's routers are built at import time from the setting.
    importlib.reload(fastopp_site.api)
    importlib.reload(fastopp_site.urls)
    clear_url_caches()


@pytest.fixture
def minimal_mode() -> Iterator[None]:
    with override_settings(MINIMAL_MODE=True):
        _rebuild_urls()
        yield
    _rebuild_urls()


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
    ):
        assert client.get(url).status_code == 404, url
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
