"""Seeding the sales data (catalog.sales)."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from catalog.models import Customer, Order, OrderItem
from catalog.sales import sales_seed

pytestmark = pytest.mark.django_db


def _fingerprint() -> list[tuple[object, ...]]:
    return list(
        OrderItem.objects.order_by("pk").values_list(
            "order__customer__age", "order__ordered_at", "product__name", "quantity"
        )
    )


def test_seed_sales_is_deterministic_and_complete():
    first = sales_seed(orders=300, seed=3)
    assert (first.orders, Order.objects.count()) == (300, 300)
    assert first.items == OrderItem.objects.count() > 300
    assert Customer.objects.count() == first.customers
    fingerprint = _fingerprint()
    sales_seed(orders=300, seed=3, reset=True)
    assert _fingerprint() == fingerprint
    sales_seed(orders=300, seed=4, reset=True)
    assert _fingerprint() != fingerprint


def test_seed_sales_adds_to_existing_rows_without_id_clashes():
    sales_seed(orders=50, seed=1)
    sales_seed(orders=50, seed=2)
    assert Order.objects.count() == 100
    # Ordinary inserts still work after explicit ids (sequences were moved on).
    customer = Customer.objects.create(
        name="New", email="n@example.com", age=30, region="europe", signup_date=date(2025, 1, 1)
    )
    Order.objects.create(customer=customer, ordered_at="2025-01-02T00:00:00Z")


def test_seed_sales_command_reports_what_it_wrote():
    out = StringIO()
    call_command("seed_sales", "--orders", "40", "--seed", "2", stdout=out)
    assert out.getvalue().startswith("10 customers, 40 orders, ")
    assert Order.objects.count() == 40
