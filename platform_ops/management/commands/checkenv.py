from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from platform_ops.selectors.config import config_redacted
from platform_ops.selectors.health import migrations_pending


class Command(BaseCommand):
    help = "Show the effective configuration: what is set and what is missing, never a secret."

    def handle(self, *args: Any, **options: Any) -> None:
        width = max(len(name) for name, _ in config_redacted())
        for name, value in config_redacted():
            shown = value if value else self.style.WARNING("not set")
            self.stdout.write(f"{name.ljust(width)}  {shown}")
        try:
            pending = migrations_pending()
        except DatabaseError as exc:
            self.stdout.write(self.style.ERROR(f"database not reachable ({type(exc).__name__})"))
            return
        if pending:
            self.stdout.write(self.style.WARNING(f"{len(pending)} migrations not applied"))
