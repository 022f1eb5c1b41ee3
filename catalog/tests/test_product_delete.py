"""Deleting a product that orders refer to: a quick 409 / a short admin message, never the
ProtectedError that loads (and logs) every order item."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db.models.signals import post_init
from django.test import Client

from accounts.models import User
from accounts.services import api_token_create
from catalog.models import Customer, Order, OrderItem, Product

pytestmark = pytest.mark.django_db

ITEMS = 300


@pytest.fixture
def best_seller() -> Product:
    product = Product.objects.create(name="Best seller", price=Decimal("9.99"), category="Tools")
    customer = Customer.objects.create(
        name="Buyer", email="b@example.com", age=40, region="europe", signup_date=date(2025, 1, 1)
    )
    orders = Order.objects.bulk_create(
        Order(customer=customer, ordered_at=datetime(2025, 1, 2, tzinfo=UTC)) for _ in range(ITEMS)
    )
    OrderItem.objects.bulk_create(
        OrderItem(order=order, product=product, quantity=1, unit_price=Decimal("9.99"))
        for order in orders
    )
    return product


@pytest.fixture
def order_items_loaded() -> Iterator[Callable[[], int]]:
    """How many OrderItem instances were built: the protect check must build none."""
    count = 0

    def counted(sender: type[OrderItem], **kwargs: Any) -> None:
        nonlocal count
        count += 1

    post_init.connect(counted, sender=OrderItem, weak=False)
    yield lambda: count
    post_init.disconnect(counted, sender=OrderItem)


def _bearer(user: User) -> Client:
    token = api_token_create(user=user, name="test").plain
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", raise_request_exception=False)


def test_api_delete_of_a_product_with_orders_is_a_quick_409(
    superuser: User,
    best_seller: Product,
    order_items_loaded: Callable[[], int],
    console_log_size: Callable[[], int],
    django_assert_max_num_queries: Any,
) -> None:
    client = _bearer(superuser)
    with django_assert_max_num_queries(8):
        response = client.delete(f"/api/products/{best_seller.pk}")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This product has orders and cannot be deleted.",
        "code": "product_has_orders",
    }
    assert Product.objects.filter(pk=best_seller.pk).exists()
    assert order_items_loaded() == 0
    # One "Conflict: /api/products/N" line, not the repr of every order item.
    assert 0 < console_log_size() < 2_000


def test_api_delete_of_a_product_without_orders_still_works(superuser: User) -> None:
    product = Product.objects.create(name="Unsold", price=Decimal("1.00"), category="Tools")
    assert _bearer(superuser).delete(f"/api/products/{product.pk}").status_code == 204
    assert not Product.objects.filter(pk=product.pk).exists()


def test_admin_delete_page_of_a_product_with_orders_is_short(
    admin_client: Client,
    best_seller: Product,
    order_items_loaded: Callable[[], int],
    django_assert_max_num_queries: Any,
) -> None:
    url = f"/admin/catalog/product/{best_seller.pk}/delete/"
    with django_assert_max_num_queries(15):
        page = admin_client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "orders refer to this product; it cannot be deleted." in body
    assert "in order" not in body  # no order item listed
    assert order_items_loaded() == 0
    # Confirming anyway deletes nothing.
    admin_client.post(url, {"post": "yes"})
    assert Product.objects.filter(pk=best_seller.pk).exists()
    assert order_items_loaded() == 0


def test_admin_delete_action_with_a_protected_product_is_short(
    admin_client: Client,
    best_seller: Product,
    order_items_loaded: Callable[[], int],
    django_assert_max_num_queries: Any,
) -> None:
    other = Product.objects.create(name="Unsold", price=Decimal("1.00"), category="Tools")
    with django_assert_max_num_queries(15):
        page = admin_client.post(
            "/admin/catalog/product/",
            {"action": "delete_selected", "_selected_action": [best_seller.pk, other.pk]},
        )
    assert page.status_code == 200
    assert "Best seller: orders refer to this product" in page.content.decode()
    assert order_items_loaded() == 0
    assert Product.objects.filter(pk__in=[best_seller.pk, other.pk]).count() == 2


def test_admin_delete_page_of_an_unsold_product_lists_it_as_before(admin_client: Client) -> None:
    product = Product.objects.create(name="Unsold", price=Decimal("1.00"), category="Tools")
    url = f"/admin/catalog/product/{product.pk}/delete/"
    assert "Unsold" in admin_client.get(url).content.decode()
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Product.objects.filter(pk=product.pk).exists()
