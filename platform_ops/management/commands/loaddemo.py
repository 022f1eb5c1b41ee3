from __future__ import annotations

from typing import Any

from django.conf import settings
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
        parser.add_argument(
            "--with-demo-passwords",
            action="store_true",
            help=(
                "In production too, give the demo accounts their published passwords "
                "(admin123...). Same as DEMO_PASSWORDS=1. Off: unusable passwords."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_load(
            reset=options["reset"], with_demo_passwords=options["with_demo_passwords"]
        )
        for step, counts in result.steps.items():
            details = ", ".join(f"{key} {value}" for key, value in counts.items())
            self.stdout.write(f"{step}: {details}")
        if not result.published_passwords:
            self.stdout.write(
                self.style.WARNING(
                    "Production: the demo accounts created or reset here have NO usable "
                    "password (their published ones, admin123..., would let anyone in). "
                    "Give one a password with `manage.py changepassword admin@example.com`, "
                    "or sign in once with `manage.py emergency_login admin@example.com` and "
                    "choose one at /password/change/. For a throwaway demo, rerun with "
                    "--with-demo-passwords (or set DEMO_PASSWORDS=1)."
                )
            )
        elif settings.IS_PRODUCTION and (result.steps["users"]["created"] or options["reset"]):
            self.stdout.write(
                self.style.WARNING(
                    "Production: the demo accounts have their PUBLISHED passwords "
                    "(admin123...). Anyone can sign in as them until they are changed."
                )
            )
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
