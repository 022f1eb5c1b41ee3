from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any
from unittest.mock import patch

import pytest
from django.db import connection
from django.db.models import F, Sum
from django.test import Client

from accounts.tests.factories import UserFactory
from catalog.models import Customer, Order, OrderItem, OrderStatus
from platform_ops.models import ReportRun, ReportStatus
from platform_ops.selectors import ReportError, ReportParameters, report_rows
from platform_ops.services import report_run_execute, sales_seed
from platform_ops.tasks import report_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales() -> None:
    sales_seed(orders=400, seed=7)


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client()
    client.force_login(staff_user)
    return client


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


@pytest.mark.usefixtures("sales")
def test_top_products_matches_a_plain_aggregate():
    rows = report_rows(report="top_products", parameters=ReportParameters(limit=100))
    paid = OrderItem.objects.filter(order__status=OrderStatus.PAID)
    expected_total = paid.aggregate(total=Sum(F("quantity") * F("unit_price")))["total"]
    assert sum(Decimal(row["revenue"]) for row in rows) == Decimal(expected_total).quantize(
        Decimal("0.01")
    )
    revenues = [Decimal(row["revenue"]) for row in rows]
    assert revenues == sorted(revenues, reverse=True)
    top = rows[0]
    product_items = paid.filter(product__name=top["product"])
    assert top["units_sold"] == product_items.aggregate(units=Sum("quantity"))["units"]
    assert top["unique_customers"] == product_items.values("order__customer").distinct().count()
    assert 18 <= top["avg_customer_age"] <= 90
    assert top["first_order"] <= top["last_order"]


@pytest.mark.usefixtures("sales")
def test_monthly_revenue_by_region_respects_the_period():
    parameters = ReportParameters.parse({"start": "2024-03-01", "end": "2024-05-31"})
    rows = report_rows(report="monthly_revenue_by_region", parameters=parameters)
    assert {row["month"] for row in rows} == {"2024-03", "2024-04", "2024-05"}
    assert "Europe" in {row["region"] for row in rows}


@pytest.mark.parametrize(
    "raw",
    [
        {"start": "2024-13-01"},
        {"limit": "0"},
        {"limit": "many"},
        {"start": "2025-01-02", "end": "2025-01-01"},
    ],
)
def test_report_parameters_are_validated(raw):
    with pytest.raises(ReportError):
        ReportParameters.parse(raw)


@pytest.mark.django_db(transaction=True)
def test_runaway_report_is_stopped_by_the_statement_timeout():
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    sales_seed(orders=20_000, seed=1)
    with pytest.raises(ReportError, match="longer than"):
        report_rows(report="monthly_revenue_by_region", parameters=ReportParameters(), timeout_ms=1)
    # The limit was local to the report's transaction.
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


@pytest.mark.usefixtures("sales")
def test_queued_report_page_flow_polls_then_shows_table_and_csv(staff_client):
    response = staff_client.post(
        "/reports/", {"report": "top_products", "limit": "5"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    run = ReportRun.objects.get()
    assert run.status == ReportStatus.QUEUED
    assert b'hx-trigger="every 1s"' in response.content

    report_run.call(report_run_id=run.pk)  # what the worker does

    polled = staff_client.get(f"/reports/runs/{run.pk}/", HTTP_HX_REQUEST="true")
    assert b"every 1s" not in polled.content
    assert b"Download CSV" in polled.content
    download = staff_client.get(f"/reports/runs/{run.pk}/csv")
    lines = list(csv.reader(io.StringIO(download.content.decode())))
    assert lines[0][:2] == ["Product", "Category"]
    assert len(lines) == 6


@pytest.mark.usefixtures("sales")
def test_inline_report_view_runs_in_the_request(staff_client):
    response = staff_client.get("/reports/inline/", {"report": "monthly_revenue_by_region"})
    assert response.status_code == 200
    run = ReportRun.objects.get()
    assert run.status == ReportStatus.SUCCEEDED
    assert run.duration_ms is not None
    assert b"Monthly revenue by region" in response.content


def test_reports_pages_are_staff_only(client):
    assert client.get("/reports/").status_code == 302
    client.force_login(UserFactory())
    assert client.get("/reports/").status_code == 403
    assert client.post("/reports/", {"report": "top_products"}).status_code == 403
    assert ReportRun.objects.count() == 0


def test_unknown_report_is_a_clean_400(staff_client):
    response = staff_client.post("/reports/", {"report": "drop_tables"})
    assert response.status_code == 400
    assert ReportRun.objects.count() == 0


@pytest.mark.usefixtures("sales")
def test_report_api_inline_enqueue_and_poll(staff_client):
    inline = staff_client.get("/api/reports/top_products", {"limit": 3})
    assert inline.status_code == 200
    assert len(inline.json()["rows"]) == 3

    queued = staff_client.post(
        "/api/reports/monthly_revenue_by_region/runs",
        {"start": "2024-01-01", "end": "2024-12-31"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN="ignored-by-test-client",
    )
    assert queued.status_code == 202
    run_id = queued.json()["id"]
    assert queued.json()["status"] == "queued"
    report_run_execute(report_run_id=run_id)
    polled = staff_client.get(f"/api/reports/runs/{run_id}").json()
    assert polled["status"] == "succeeded"
    assert {row["month"][:4] for row in polled["rows"]} == {"2024"}


def test_report_api_refuses_non_staff(client):
    client.force_login(UserFactory())
    assert client.get("/api/reports/top_products").status_code == 403
    assert Client().get("/api/reports/top_products").status_code == 401


def test_csv_cells_cannot_become_formulas(staff_client):
    run = ReportRun.objects.create(
        report="top_products",
        status=ReportStatus.SUCCEEDED,
        result=[{"product": "=HYPERLINK(1)", "category": "x"}],
    )
    body = staff_client.get(f"/reports/runs/{run.pk}/csv").content.decode()
    assert "'=HYPERLINK(1)" in body


@pytest.mark.django_db(transaction=True)
def test_report_query_runs_with_the_configured_parallel_workers(settings):
    if connection.vendor != "postgresql":
        pytest.skip("max_parallel_workers_per_gather is PostgreSQL's")
    settings.REPORT_PARALLEL_WORKERS = 0
    seen: list[str] = []

    def parallel_workers(*, parameters: ReportParameters) -> list[dict[str, Any]]:
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            seen.append(cursor.fetchone()[0])
        return []

    with patch.dict("platform_ops.selectors._REPORT_QUERIES", {"probe": parallel_workers}):
        report_rows(report="probe", parameters=ReportParameters())
    assert seen == ["0"]
    # Local to the report's transaction, like the statement timeout.
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] != "0"
