"""Writes of the sales data the reports read: deterministic seeding in bulk, and deletion."""

from __future__ import annotations

import csv
import io
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max

from catalog.models import Customer, Order, OrderItem, Product
from catalog.services import products_demo_load

SEED_PERIOD_START = datetime(2024, 1, 1, tzinfo=UTC)
SEED_PERIOD_DAYS = 731  # two years, so monthly reports have something to compare
SEED_CHUNK_ORDERS = 20_000
_REGION_WEIGHTS = {
    "north_america": 34,
    "europe": 28,
    "asia_pacific": 22,
    "latin_america": 10,
    "middle_east_africa": 6,
}
_FIRST_NAMES = [
    "Ana",
    "Ben",
    "Chen",
    "Dara",
    "Eli",
    "Fatima",
    "Goro",
    "Hana",
    "Ivan",
    "Jade",
    "Kofi",
    "Lena",
    "Mateo",
    "Nia",
    "Omar",
]
_LAST_NAMES = [
    "Adams",
    "Baker",
    "Costa",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Kim",
    "Lopez",
    "Nguyen",
    "Patel",
]


@dataclass
class SalesSeedResult:
    customers: int
    orders: int
    items: int
    seconds: float


def _table_next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def _copy_rows(*, table: str, columns: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
    """PostgreSQL's COPY: an order of magnitude faster than INSERTs for bulk seeding."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows)
    buffer.seek(0)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg2 cursor under Django's wrapper
        raw.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", buffer)


def _write_rows(
    *, model: type[models.Model], columns: tuple[str, ...], rows: list[tuple[object, ...]]
) -> None:
    if connection.vendor == "postgresql":
        _copy_rows(table=model._meta.db_table, columns=columns, rows=rows)
        return
    # The columns are attribute names too (customer_id...), so they work as model kwargs.
    model._default_manager.bulk_create(
        [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=2000
    )


def _sequences_reset(models_: list[type[models.Model]]) -> None:
    # Rows were written with explicit ids; the next INSERT must not collide with them.
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(statement)


def sales_seed(*, orders: int, seed: int = 1, reset: bool = False) -> SalesSeedResult:
    """Add ``orders`` orders (about 2.5 items each) and their customers, deterministically.

    The same seed on an empty sales table gives the same rows, so report numbers can be
    compared between runs, databases and machines.
    """
    started = time.perf_counter()
    if reset:
        sales_data_delete()
    products = list(Product.objects.order_by("pk").values_list("pk", "price"))
    if not products:
        products_demo_load()
        products = list(Product.objects.order_by("pk").values_list("pk", "price"))
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    # Cheap products sell more often, as in a real shop.
    product_weights = [1 / float(price) ** 0.5 for _, price in products]
    regions, region_weights = list(_REGION_WEIGHTS), list(_REGION_WEIGHTS.values())

    customer_count = max(orders // 4, 1)
    first_customer = _table_next_id(Customer)
    first_order = _table_next_id(Order)
    next_item = _table_next_id(OrderItem)
    item_total = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Checking each row's foreign keys as it arrives is cheaper than queueing a
            # million deferred checks for COMMIT.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        customer_rows: list[tuple[object, ...]] = []
        for offset in range(customer_count):
            name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
            signup = SEED_PERIOD_START.date() + timedelta(days=rng.randrange(SEED_PERIOD_DAYS))
            customer_rows.append((
                first_customer + offset,
                name,
                f"customer{first_customer + offset}@example.com",
                min(90, max(18, int(rng.gauss(38, 12)))),
                rng.choices(regions, region_weights)[0],
                signup.isoformat(),
            ))  # fmt: skip
        _write_rows(
            model=Customer,
            columns=("id", "name", "email", "age", "region", "signup_date"),
            rows=customer_rows,
        )
        del customer_rows
        for chunk_start in range(0, orders, SEED_CHUNK_ORDERS):
            order_rows: list[tuple[object, ...]] = []
            item_rows: list[tuple[object, ...]] = []
            for order_id in range(
                first_order + chunk_start,
                first_order + min(orders, chunk_start + SEED_CHUNK_ORDERS),
            ):
                ordered_at = SEED_PERIOD_START + timedelta(
                    seconds=rng.randrange(SEED_PERIOD_DAYS * 86_400)
                )
                status = "refunded" if rng.random() < 0.04 else "paid"
                customer_id = first_customer + rng.randrange(customer_count)
                order_rows.append((order_id, customer_id, ordered_at.isoformat(), status))
                for product_index in rng.choices(
                    range(len(products)), product_weights, k=rng.choice((1, 1, 2, 3, 3, 4, 5))
                ):
                    product_id, price = products[product_index]
                    quantity = rng.choice((1, 1, 1, 2, 2, 3))
                    item_rows.append((next_item, order_id, product_id, quantity, str(price)))
                    next_item += 1
            _write_rows(
                model=Order, columns=("id", "customer_id", "ordered_at", "status"), rows=order_rows
            )
            _write_rows(
                model=OrderItem,
                columns=("id", "order_id", "product_id", "quantity", "unit_price"),
                rows=item_rows,
            )
            item_total += len(item_rows)
        _sequences_reset([Customer, Order, OrderItem])
    if connection.vendor == "postgresql":
        # Fresh statistics, or the planner guesses badly on the first report.
        with connection.cursor() as cursor:
            for model in (Customer, Order, OrderItem):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return SalesSeedResult(
        customers=customer_count,
        orders=orders,
        items=item_total,
        seconds=round(time.perf_counter() - started, 2),
    )


def sales_data_delete() -> None:
    if connection.vendor == "postgresql":
        tables = ", ".join(
            connection.ops.quote_name(model._meta.db_table)
            for model in (OrderItem, Order, Customer)
        )
        with connection.cursor() as cursor:
            # Inside a transaction, deferred foreign-key checks would block the TRUNCATE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY")
        return
    OrderItem.objects.all().delete()
    Order.objects.all().delete()
    Customer.objects.all().delete()
