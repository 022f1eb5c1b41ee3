"""Database and design demo pages, FastOpp's /api/products shape and product roles."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from catalog.models import Product

pytestmark = pytest.mark.django_db


def test_api_products_has_fastopps_shape_and_numbers(client: Client, demo: Any) -> None:
    data = client.get("/api/products").json()
    assert set(data) == {"products", "categories", "stats", "stock"}
    assert len(data["products"]) == 8
    assert set(data["products"][0]) >= {
        "id",
        "name",
        "description",
        "price",
        "category",
        "in_stock",
    }
    assert len(data["categories"]) == 6
    assert {"category": "Electronics", "count": 3} in data["categories"]
    assert data["stats"] == {
        "avg_price": 494.12,
        "min_price": 12.99,
        "max_price": 2499.99,
        "total_products": 8,
    }
    assert data["stock"] == {"total": 8, "in_stock": 7, "out_of_stock": 1}


def test_product_detail(client: Client, demo: Any) -> None:
    product = Product.objects.get(name="Yoga Mat")
    data = client.get(f"/api/products/{product.pk}").json()
    assert data["price"] == 34.99
    assert data["category"] == "Sports & Fitness"
    assert client.get("/api/products/999999").status_code == 404


def test_database_demo_renders_stats_charts_and_table(client: Client, demo: Any) -> None:
    response = client.get("/database-demo/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="stat-total">8<' in body
    assert "$494.12" in body
    assert "MacBook Pro 16-inch" in body
    assert "chart.umd.min.js" in body
    assert "cdn." not in body
    charts = json.loads(
        body.split('id="chart-data" type="application/json">')[1].split("</script>")[0]
    )
    assert sum(row["count"] for row in charts["categories"]) == 8
    assert [row["count"] for row in charts["price_buckets"]] == [2, 2, 2, 1, 1]


def test_slashless_fastopp_path_redirects(client: Client) -> None:
    response = client.get("/database-demo")
    assert response.status_code == 301
    assert response["Location"] == "/database-demo/"


def test_table_filters_on_the_server_without_javascript(client: Client, demo: Any) -> None:
    response = client.get("/database-demo/", {"category": "Electronics"})
    names = {product.name for product in response.context["products"]}
    assert names == {"iPhone 15 Pro", "MacBook Pro 16-inch", "Wireless Bluetooth Headphones"}
    assert "<html" in response.content.decode()


def test_table_search_returns_only_the_partial_for_htmx(client: Client, demo: Any) -> None:
    response = client.get("/database-demo/", {"search": "yoga"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert "Yoga Mat" in body
    assert "MacBook" not in body


def test_design_demo_page_and_stats_partial(client: Client, demo: Any) -> None:
    page = client.get("/design-demo/")
    assert page.status_code == 200
    assert b"x-data" in page.content
    assert b'hx-get="/design-demo/stats/"' in page.content
    partial = client.get("/design-demo/stats/", headers={"HX-Request": "true"})
    assert b"$494.12" in partial.content
    assert b"<html" not in partial.content


def test_design_demo_form_shows_errors_inline_and_success(client: Client) -> None:
    bad = client.post(
        "/design-demo/suggest/",
        {"name": "", "email": "nope", "price": "-1", "reason": "short"},
        headers={"HX-Request": "true"},
    )
    body = bad.content.decode()
    assert 'data-testid="error-email"' in body
    assert 'data-testid="error-price"' in body
    assert 'data-testid="error-reason"' in body
    assert "<html" not in body

    good = client.post(
        "/design-demo/suggest/",
        {
            "name": "Desk lamp",
            "email": "a@example.com",
            "price": "39.50",
            "reason": "bright warm light",
        },
        headers={"HX-Request": "true"},
    )
    assert "passed every check" in good.content.decode()


def test_design_demo_form_works_without_javascript(client: Client) -> None:
    response = client.post("/design-demo/suggest/", {"name": "x"})
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert 'data-testid="error-email"' in response.content.decode()


def test_home_page_links_every_demo(client: Client) -> None:
    body = client.get("/").content.decode()
    for href in ("/database-demo/", "/design-demo/", "/webinar-demo/", "/admin/", "/api/docs"):
        assert f'href="{href}"' in body


class TestProductWritesByRole:
    payload = {"name": "Desk lamp", "price": "39.50", "category": "Home & Kitchen"}

    def test_anonymous_cannot_create(self, client: Client, demo: Any) -> None:
        response = client.post("/api/products", self.payload, content_type="application/json")
        assert response.status_code == 401
        assert Product.objects.count() == 8

    @pytest.mark.parametrize("email", ["staff@example.com", "jane@example.com"])
    def test_support_and_sales_cannot_create(self, client: Client, demo: Any, email: str) -> None:
        client.force_login(User.objects.get(email=email))
        response = client.post("/api/products", self.payload, content_type="application/json")
        assert response.status_code == 403
        assert response.json() == {
            "detail": "Only marketing and admins manage products.",
            "code": "forbidden",
        }

    def test_marketing_creates_and_deletes(self, client: Client, demo: Any) -> None:
        client.force_login(User.objects.get(email="marketing@example.com"))
        response = client.post("/api/products", self.payload, content_type="application/json")
        assert response.status_code == 201
        product_id = response.json()["id"]
        assert client.delete(f"/api/products/{product_id}").status_code == 204
        assert Product.objects.count() == 8

    def test_session_write_without_csrf_is_refused(self, demo: Any) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(User.objects.get(email="admin@example.com"))
        response = client.post("/api/products", self.payload, content_type="application/json")
        assert response.status_code == 403
        assert Product.objects.count() == 8


def test_dashboard_reads_are_cached_and_refreshed_by_a_product_save(
    client: Client, demo: Any, settings: Any, django_assert_num_queries: Any
) -> None:
    settings.CATALOG_CACHE_SECONDS = 30
    client.get("/api/products")
    with django_assert_num_queries(0):
        cached = client.get("/api/products").json()
    product = Product.objects.order_by("pk").first()
    assert product is not None
    product.price = Decimal("99999.00")
    product.save()
    fresh = client.get("/api/products").json()
    assert fresh["stats"]["max_price"] != cached["stats"]["max_price"]
    assert float(fresh["stats"]["max_price"]) == 99999.0
