from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from catalog.sales import sales_seed


class Command(BaseCommand):
    help = "Generate deterministic customers, orders and order items for the sales reports."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orders", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--reset", action="store_true", help="Delete all sales data first (not products)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = sales_seed(orders=options["orders"], seed=options["seed"], reset=options["reset"])
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.customers} customers, {result.orders} orders, {result.items} order "
                f"items in {result.seconds:.1f}s"
            )
        )
