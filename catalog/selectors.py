"""Reads for the product catalog: the dashboard numbers, the table and FastOpp's JSON.

The dashboard reads (list, stats, charts) are cached for CATALOG_CACHE_SECONDS: products
change rarely and the demo pages and /api/products read them on every hit. Every entry's
key holds the current generation, a number kept in the same cache; any product save or
delete starts a new one (catalog.services.catalog_cache_clear), so older entries are never
read again. With a shared cache (CACHE_URL=redis://...) that reaches every process at once;
with the default local-memory cache only the process that saved, so another web process or
the task worker's writes can be served stale for up to CATALOG_CACHE_SECONDS.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict, TypeVar, cast

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Avg, Count, Exists, Max, Min, OuterRef, Q, QuerySet

from accounts.access import user_has_role
from accounts.models import User
from accounts.roles import Role
from catalog.models import OrderItem, Product
from catalog.money import money_round

# Upper bounds of the price-bucket chart; the last bucket is open-ended.
PRICE_BUCKETS: tuple[tuple[str, Decimal | None, Decimal | None], ...] = (
    ("Under $25", None, Decimal("25")),
    ("$25-$100", Decimal("25"), Decimal("100")),
    ("$100-$500", Decimal("100"), Decimal("500")),
    ("$500-$1000", Decimal("500"), Decimal("1000")),
    ("$1000+", Decimal("1000"), None),
)
_MANAGER_ROLES = (Role.ADMIN, Role.MARKETING)
CACHE_GENERATION_KEY = "catalog:generation"
T = TypeVar("T")
logger = logging.getLogger(__name__)
_MISSING = object()


def catalog_cache_key(*, generation: int, name: str, params: dict[str, object]) -> str:
    """The entry's key: parameters hashed, so no user text (spaces, length) reaches the cache."""
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()
    return f"catalog:{generation}:{name}:{digest}"


def catalog_cache_generation() -> int:
    # A random first number: if the key is lost (eviction, a Redis restart without its
    # data) the new generation cannot be one that older entries still carry.
    generation = cache.get_or_set(CACHE_GENERATION_KEY, lambda: secrets.randbelow(2**60), None)
    return int(cast(int, generation))


def _cached(name: str, build: Callable[[], T], **params: object) -> T:
    seconds = settings.CATALOG_CACHE_SECONDS
    if seconds <= 0:
        return build()
    try:
        key = catalog_cache_key(generation=catalog_cache_generation(), name=name, params=params)
        found = cache.get(key, _MISSING)
    except Exception:  # an unreachable cache server: serve from the database meanwhile
        logger.warning("catalog cache unavailable; reading the database", exc_info=True)
        return build()
    if found is not _MISSING:
        return cast(T, found)
    value = build()
    try:
        cache.add(key, value, timeout=seconds)
    except Exception:  # as above: the answer is right, only not kept
        logger.warning("catalog cache unavailable; answer not kept", exc_info=True)
    return value


def product_list(*, search: str = "", category: str | None = None) -> QuerySet[Product]:
    queryset = Product.objects.order_by("name", "id")
    if search:
        queryset = queryset.filter(
            Q(name__icontains=search)
            | Q(description__icontains=search)
            | Q(category__icontains=search)
        )
    if category:
        queryset = queryset.filter(category=category)
    return queryset


def product_rows(*, search: str = "", category: str | None = None) -> list[Product]:
    """The product table's rows (cached); ``product_list`` is the uncached queryset."""
    return _cached(
        "rows",
        lambda: list(product_list(search=search, category=category)),
        search=search,
        category=category or "",
    )


def product_get(*, product_id: int) -> Product | None:
    return Product.objects.filter(pk=product_id).first()


def product_has_orders(*, product: Product) -> bool:
    """One EXISTS query: whether any order item refers to the product (PROTECT)."""
    return OrderItem.objects.filter(product_id=product.pk).exists()


def products_with_orders(*, product_ids: list[int], limit: int = 10) -> list[Product]:
    """Up to ``limit`` of these products that orders refer to, by one EXISTS query."""
    referenced = OrderItem.objects.filter(product_id=OuterRef("pk"))
    return list(Product.objects.filter(pk__in=product_ids).filter(Exists(referenced))[:limit])


def product_category_names() -> list[str]:
    return list(Product.objects.order_by("category").values_list("category", flat=True).distinct())


class CategoryCount(TypedDict):
    category: str
    count: int


def product_category_counts() -> list[CategoryCount]:
    return _cached("category_counts", _product_category_counts)


def _product_category_counts() -> list[CategoryCount]:
    rows = (
        Product.objects.values("category")
        .annotate(count=Count("id"))
        .order_by("-count", "category")
    )
    return [CategoryCount(category=row["category"], count=row["count"]) for row in rows]


@dataclass(frozen=True)
class ProductStats:
    total_products: int
    avg_price: Decimal
    min_price: Decimal
    max_price: Decimal
    in_stock: int
    out_of_stock: int
    categories: int


def product_stats() -> ProductStats:
    return _cached("stats", _product_stats)


def _product_stats() -> ProductStats:
    totals = Product.objects.aggregate(
        total=Count("id"),
        avg=Avg("price"),
        low=Min("price"),
        high=Max("price"),
        in_stock=Count("id", filter=Q(in_stock=True)),
        categories=Count("category", distinct=True),
    )
    return ProductStats(
        total_products=totals["total"],
        avg_price=money_round(totals["avg"]),
        min_price=money_round(totals["low"]),
        max_price=money_round(totals["high"]),
        in_stock=totals["in_stock"],
        out_of_stock=totals["total"] - totals["in_stock"],
        categories=totals["categories"],
    )


class PriceBucket(TypedDict):
    label: str
    count: int


def product_price_buckets() -> list[PriceBucket]:
    return _cached("price_buckets", _product_price_buckets)


def _product_price_buckets() -> list[PriceBucket]:
    aggregates = {}
    for index, (_label, low, high) in enumerate(PRICE_BUCKETS):
        condition = Q()
        if low is not None:
            condition &= Q(price__gte=low)
        if high is not None:
            condition &= Q(price__lt=high)
        aggregates[f"b{index}"] = Count("id", filter=condition)
    counts = Product.objects.aggregate(**aggregates)
    return [
        PriceBucket(label=label, count=counts[f"b{index}"])
        for index, (label, _low, _high) in enumerate(PRICE_BUCKETS)
    ]


def product_can_manage(*, user: User | AnonymousUser) -> bool:
    """Marketing (and admins) add, change and delete products; support only reads them."""
    return user_has_role(user=user, roles=_MANAGER_ROLES)
