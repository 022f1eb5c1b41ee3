"""The reports' queries: each takes the parsed parameters and returns JSON-ready rows."""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, DecimalField, ExpressionWrapper, F, Max, Min, QuerySet, Sum
from django.db.models.functions import TruncMonth

from catalog.models import OrderItem, OrderStatus, Region
from catalog.money import money_round
from catalog.reports.parameters import ReportParameters


def _order_items_in_period(parameters: ReportParameters) -> QuerySet[OrderItem]:
    items = OrderItem.objects.filter(order__status=OrderStatus.PAID)
    if parameters.start:
        items = items.filter(order__ordered_at__date__gte=parameters.start)
    if parameters.end:
        items = items.filter(order__ordered_at__date__lte=parameters.end)
    return items


def _revenue() -> Sum:
    return Sum(
        ExpressionWrapper(
            F("quantity") * F("unit_price"),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )
    )


def report_top_products(*, parameters: ReportParameters) -> list[dict[str, Any]]:
    rows = (
        _order_items_in_period(parameters)
        .values("product_id", "product__name", "product__category")
        .annotate(
            units_sold=Sum("quantity"),
            revenue=_revenue(),
            avg_customer_age=Avg("order__customer__age"),
            unique_customers=Count("order__customer_id", distinct=True),
            first_order=Min("order__ordered_at"),
            last_order=Max("order__ordered_at"),
        )
        .order_by("-revenue", "product_id")[: parameters.limit]
    )
    return [
        {
            "product": row["product__name"],
            "category": row["product__category"],
            "units_sold": row["units_sold"],
            "revenue": str(money_round(row["revenue"])),
            "avg_customer_age": round(float(row["avg_customer_age"]), 1),
            "unique_customers": row["unique_customers"],
            "first_order": row["first_order"].date().isoformat(),
            "last_order": row["last_order"].date().isoformat(),
        }
        for row in rows
    ]


def report_monthly_revenue_by_region(*, parameters: ReportParameters) -> list[dict[str, Any]]:
    labels = dict(Region.choices)
    rows = (
        _order_items_in_period(parameters)
        .annotate(month=TruncMonth("order__ordered_at"))
        .values("month", "order__customer__region")
        .annotate(
            orders=Count("order_id", distinct=True),
            units_sold=Sum("quantity"),
            revenue=_revenue(),
        )
        .order_by("month", "order__customer__region")
    )
    return [
        {
            "month": row["month"].strftime("%Y-%m"),
            "region": labels.get(row["order__customer__region"], row["order__customer__region"]),
            "orders": row["orders"],
            "units_sold": row["units_sold"],
            "revenue": str(money_round(row["revenue"])),
        }
        for row in rows
    ]
