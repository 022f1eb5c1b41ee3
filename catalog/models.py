from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models


class Product(models.Model):
    """An item of FastOpp's demo shop, shown on /database-demo and in the sales reports."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Never negative: the admin, the API and the reports all read the limit from here.
    price = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    category = models.CharField(max_length=100, db_index=True)
    in_stock = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Region(models.TextChoices):
    NORTH_AMERICA = "north_america", "North America"
    EUROPE = "europe", "Europe"
    ASIA_PACIFIC = "asia_pacific", "Asia Pacific"
    LATIN_AMERICA = "latin_america", "Latin America"
    MIDDLE_EAST_AFRICA = "middle_east_africa", "Middle East & Africa"


class Customer(models.Model):
    """A buyer in the sales analytics data set (seeded in bulk, up to a million orders)."""

    name = models.CharField(max_length=200)
    # Not unique: seeded data may repeat addresses and the reports never look customers up by it.
    email = models.EmailField()
    age = models.PositiveSmallIntegerField()
    region = models.CharField(max_length=32, choices=Region.choices)
    signup_date = models.DateField()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["region"], name="catalog_customer_region_idx")]

    def __str__(self) -> str:
        return self.name


class OrderStatus(models.TextChoices):
    PAID = "paid", "Paid"
    REFUNDED = "refunded", "Refunded"


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    ordered_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=16, choices=OrderStatus.choices, default=OrderStatus.PAID)

    class Meta:
        ordering = ["-ordered_at"]

    def __str__(self) -> str:
        return f"Order #{self.pk}"


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_items")
    quantity = models.PositiveIntegerField()
    # The price paid at the time, so later price changes do not rewrite past revenue.
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        indexes = [models.Index(fields=["product", "order"], name="catalog_orderitem_prod_ord_idx")]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id} in order {self.order_id}"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class ReportRun(models.Model):
    """One run of a sales report, queued or inline, with its timings and result rows."""

    report = models.CharField(max_length=64)
    parameters = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_runs",
    )
    task_id = models.CharField(max_length=64, blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    row_count = models.PositiveIntegerField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-queued_at"]
        indexes = [
            models.Index(fields=["report", "-queued_at"], name="platform_op_report_ee179b_idx")
        ]

    def __str__(self) -> str:
        return f"{self.report} #{self.pk} ({self.status})"
