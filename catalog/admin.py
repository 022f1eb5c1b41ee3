from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.access import user_is_staff
from catalog.models import Customer, Order, OrderItem, Product, ReportRun
from catalog.selectors import products_with_orders

PROTECTED_SHOWN = 10  # products named on a refused delete page


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin[Product]):
    """Marketing and admins manage products; support only reads them.

    The groups' model permissions (catalog_role_permissions_sync) drive this; the checks
    below also require staff status, so a permission granted by mistake to a non-staff
    account never opens the admin.
    """

    list_display = ("name", "category", "price", "in_stock", "updated_at")
    list_filter = ("category", "in_stock")
    search_fields = ("name", "description", "category")
    readonly_fields = ("created_at", "updated_at")
    ordering = ("name",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return user_is_staff(user=request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Product | None = None) -> bool:
        return user_is_staff(user=request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Product | None = None) -> bool:
        return user_is_staff(user=request.user) and super().has_delete_permission(request, obj)

    def get_deleted_objects(
        self, objs: Sequence[Product] | QuerySet[Product], request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
        """The delete page and the delete action: a product that orders refer to is refused
        with one line, after one EXISTS query. Django's own collector would load every order
        item (100k for a best seller) only to list them as protected."""
        product_ids = [product.pk for product in objs]
        protected = products_with_orders(product_ids=product_ids, limit=PROTECTED_SHOWN + 1)
        if not protected:
            return super().get_deleted_objects(objs, request)
        lines: list[Any] = [
            f"{product}: orders refer to this product; it cannot be deleted."
            for product in protected[:PROTECTED_SHOWN]
        ]
        if len(protected) > PROTECTED_SHOWN:
            lines.append("…and other selected products with orders.")
        return [], {}, set(), lines


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    list_display = ("name", "email", "age", "region", "signup_date")
    # region is indexed; other filters would scan the whole table.
    list_filter = ("region",)
    search_fields = ("name", "email")
    show_full_result_count = False
    list_per_page = 50


class OrderItemInline(admin.TabularInline[OrderItem, Order]):
    model = OrderItem
    raw_id_fields = ("product",)
    extra = 0


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin[Order]):
    list_display = ("id", "customer", "ordered_at", "status")
    list_filter = ("status",)
    list_select_related = ("customer",)
    raw_id_fields = ("customer",)
    date_hierarchy = "ordered_at"
    search_fields = ("=id",)
    inlines = [OrderItemInline]
    show_full_result_count = False
    list_per_page = 50


@admin.register(OrderItem)
class OrderItemAdmin(admin.ModelAdmin[OrderItem]):
    list_display = ("id", "order", "product", "quantity", "unit_price")
    list_select_related = ("order", "product")
    raw_id_fields = ("order", "product")
    search_fields = ("=order__id",)
    show_full_result_count = False
    list_per_page = 50


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin[ReportRun]):
    list_display = (
        "id",
        "report",
        "status",
        "requested_by",
        "queued_at",
        "duration_ms",
        "row_count",
    )
    list_filter = ("report", "status")
    list_select_related = ("requested_by",)
    readonly_fields = (
        "report", "parameters", "status", "requested_by", "task_id", "queued_at",
        "started_at", "finished_at", "duration_ms", "row_count", "result", "error",
    )  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
