"""Writes for the catalog: products, role grants and demo data."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import ProtectedError

from accounts.roles import Role
from accounts.services import group_model_permissions_sync
from catalog.models import Product
from catalog.selectors import CACHE_GENERATION_KEY, product_has_orders
from core.errors import AppError, ErrorKind

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "products.json"
ALL_ACTIONS = ("add", "change", "delete", "view")


logger = logging.getLogger(__name__)


def catalog_cache_clear(*, using: str = DEFAULT_DB_ALIAS, **_signal_kwargs: Any) -> None:
    """Start a new generation of cached catalog reads (connected to Product save/delete).

    Inside a transaction the generation moves again at commit: between the save and the
    commit another process still reads the old rows and may cache them under the new
    generation.
    """
    _generation_bump()
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(_generation_bump, using=using)


def _generation_bump() -> None:
    try:
        cache.incr(CACHE_GENERATION_KEY)
    except ValueError:  # no generation yet: nothing is cached under one
        pass
    except Exception:  # an unreachable cache server; its entries expire on their own
        logger.exception("catalog cache generation not bumped: other processes may be stale")


def product_create(
    *,
    name: str,
    price: Decimal,
    category: str,
    description: str = "",
    in_stock: bool = True,
) -> Product:
    return Product.objects.create(
        name=name, price=price, category=category, description=description, in_stock=in_stock
    )


def product_update(*, product: Product, **fields: Any) -> Product:
    allowed = {"name", "price", "category", "description", "in_stock"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Cannot update {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(product, name, value)
    product.save()
    return product


def product_has_orders_error() -> AppError:
    return AppError(
        "This product has orders and cannot be deleted.",
        kind=ErrorKind.CONFLICT,
        code="product_has_orders",
    )


def product_delete(*, product: Product) -> None:
    """Delete a product no order refers to; raises AppError (conflict) otherwise.

    Asked first with one EXISTS query: Django's PROTECT check loads every referencing row
    and builds a ProtectedError holding them all (seconds and megabytes for a best seller).
    """
    if product_has_orders(product=product):
        raise product_has_orders_error()
    try:
        product.delete()
    except ProtectedError:
        # An order placed since the check; the exception's repr is the rows, so drop it.
        raise product_has_orders_error() from None


def catalog_role_permissions_sync() -> None:
    """Marketing and admins manage products, support reads them; sales data stays admin-only."""
    everything = {"product": ALL_ACTIONS}
    admin_grants = {
        "product": ALL_ACTIONS,
        "customer": ALL_ACTIONS,
        "order": ALL_ACTIONS,
        "orderitem": ALL_ACTIONS,
    }
    group_model_permissions_sync(role=Role.ADMIN, app_label="catalog", grants=admin_grants)
    group_model_permissions_sync(role=Role.MARKETING, app_label="catalog", grants=everything)
    group_model_permissions_sync(role=Role.SALES, app_label="catalog", grants={})
    group_model_permissions_sync(
        role=Role.SUPPORT, app_label="catalog", grants={"product": ("view",)}
    )


@dataclass(frozen=True)
class ProductsDemoResult:
    created: int
    reset: int
    removed: int
    total: int


@transaction.atomic
def products_demo_load(*, reset: bool = False) -> ProductsDemoResult:
    """Load FastOpp's 8 products, matched by name so a second run adds nothing.

    With ``reset`` the demo products get their shipped values back and other products are
    removed, except those that orders refer to (sales history is never deleted here).
    """
    rows: list[dict[str, Any]] = json.loads(DEMO_FILE.read_text())
    created = restored = 0
    kept_ids: list[int] = []
    for row in rows:
        fields = {
            "description": row["description"],
            "price": Decimal(row["price"]),
            "category": row["category"],
            "in_stock": row["in_stock"],
        }
        product = Product.objects.filter(name=row["name"]).order_by("id").first()
        if product is None:
            product = product_create(name=row["name"], **fields)
            created += 1
        elif reset:
            product_update(product=product, **fields)
            restored += 1
        kept_ids.append(product.pk)
    removed = 0
    if reset:
        extras = Product.objects.exclude(pk__in=kept_ids).filter(order_items__isnull=True)
        removed = extras.delete()[0]
    # Said once here, not left to the per-row signals: a bulk path that sends none (a
    # fast delete, a future bulk_update) must still reach every process's cache.
    catalog_cache_clear()
    return ProductsDemoResult(created=created, reset=restored, removed=removed, total=len(rows))
