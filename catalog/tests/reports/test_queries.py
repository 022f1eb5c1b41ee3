from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import F, Sum

from catalog.models import OrderItem, OrderStatus
from catalog.reports.parameters import ReportParameters
from catalog.reports.selectors import report_rows

pytestmark = pytest.mark.django_db


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
