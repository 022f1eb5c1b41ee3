from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from platform_ops.demo import demo_load


class Command(BaseCommand):
    help = "Load FastOpp's demo data (users, products, webinars...). Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Put the demo rows back as shipped (passwords, flags, edited rows).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_load(reset=options["reset"])
        for step, counts in result.steps.items():
            details = ", ".join(f"{key} {value}" for key, value in counts.items())
            self.stdout.write(f"{step}: {details}")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
