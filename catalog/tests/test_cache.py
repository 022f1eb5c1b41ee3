"""The catalog cache in one process: hashed keys, and a new generation after every write path.

Across processes the same generation key lives in the shared cache; that is proved with
real servers in test_shared_cache.py.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.core.cache.backends.base import CacheKeyWarning
from django.db import transaction
from django.test import Client

from accounts.models import User
from catalog.models import Product
from catalog.selectors import catalog_cache_generation, product_rows
from catalog.services import product_create, product_delete, product_update, products_demo_load

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings: Any) -> None:
    settings.CATALOG_CACHE_SECONDS = 30


def test_keys_are_hashed_and_raise_no_key_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real_get = cache.get

    def recording_get(key: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", recording_get)
    search = "red  shoes\n" + "é" * 300  # spaces, a control character, 300+ characters
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        assert product_rows(search=search, category="Shoes & Bags") == []
        assert product_rows(search=search, category="Shoes & Bags") == []
    row_keys = [key for key in seen if ":rows:" in key]
    assert row_keys
    for key in row_keys:
        assert "shoes" not in key.lower()
        assert "Bags" not in key
        assert len(key) < 250
        assert " " not in key
        assert key.isascii()
    # Other parameters get another entry; the same ones the same entry.
    assert len(set(row_keys)) == 1
    product_rows(search=search, category="Other")
    assert len({key for key in seen if ":rows:" in key}) == 2


def _admin_client() -> Client:
    client = Client()
    client.force_login(User.objects.get(email="admin@example.com"))
    return client


def _via_service_create() -> None:
    product_create(name="Lamp", price=Decimal("10"), category="Home")


def _via_service_update() -> None:
    product_update(product=Product.objects.order_by("pk")[0], price=Decimal("1.50"))


def _via_service_delete() -> None:
    product_delete(product=Product.objects.order_by("pk")[0])


def _via_queryset_delete() -> None:
    Product.objects.filter(category="Electronics").delete()


def _via_api_create() -> None:
    payload = {"name": "Lamp", "price": "10.00", "category": "Home"}
    response = _admin_client().post("/api/products", payload, content_type="application/json")
    assert response.status_code == 201


def _via_api_delete() -> None:
    product = Product.objects.filter(order_items__isnull=True).order_by("pk").first()
    assert product is not None
    assert _admin_client().delete(f"/api/products/{product.pk}").status_code == 204


def _via_admin_change() -> None:
    product = Product.objects.order_by("pk").first()
    assert product is not None
    response = _admin_client().post(
        f"/admin/catalog/product/{product.pk}/change/",
        {
            "name": product.name,
            "description": product.description,
            "price": "3.00",
            "category": product.category,
            "in_stock": "on",
        },
    )
    assert response.status_code == 302, response.content[:500]


def _via_admin_bulk_delete() -> None:
    ids = list(Product.objects.values_list("pk", flat=True)[:2])
    response = _admin_client().post(
        "/admin/catalog/product/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert not Product.objects.filter(pk__in=ids).exists()


def _via_demo_reset() -> None:
    Product.objects.create(name="Extra", price=Decimal("1"), category="Home")
    products_demo_load(reset=True)


@pytest.mark.parametrize(
    "write",
    [
        _via_service_create,
        _via_service_update,
        _via_service_delete,
        _via_queryset_delete,
        _via_api_create,
        _via_api_delete,
        _via_admin_change,
        _via_admin_bulk_delete,
        _via_demo_reset,
    ],
    ids=lambda write: write.__name__.removeprefix("_via_"),
)
def test_every_write_path_starts_a_new_generation(demo: Any, write: Callable[[], None]) -> None:
    product_rows()  # cached under the current generation
    before = catalog_cache_generation()
    write()
    assert catalog_cache_generation() != before
    assert [p.pk for p in product_rows()] == [p.pk for p in Product.objects.order_by("name", "id")]


def test_a_lost_generation_key_never_brings_back_old_entries(demo: Any) -> None:
    stale = product_rows()
    # bulk_create sends no signal, so only the lost key can make the next read fresh.
    Product.objects.bulk_create([Product(name="Added", price=Decimal("2"), category="Home")])
    assert len(product_rows()) == len(stale)
    cache.delete("catalog:generation")  # as Redis eviction or a restart would
    assert len(product_rows()) == len(stale) + 1


def test_an_unreachable_cache_serves_from_the_database(
    demo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise ConnectionError("cache server down")

    for name in ("get", "get_or_set", "add", "incr"):
        monkeypatch.setattr(cache, name, refuse)
    assert len(product_rows()) == 8
    product_create(name="Lamp", price=Decimal("10"), category="Home")  # the bump fails quietly
    assert len(product_rows()) == 9


def test_a_save_inside_a_transaction_moves_the_generation_again_at_commit(
    demo: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Between the save and the commit another process can cache the old rows under the
    generation the save started; the bump at commit makes that entry unreachable."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        product_create(name="Lamp", price=Decimal("10"), category="Home")
        during = catalog_cache_generation()
    assert catalog_cache_generation() != during
