from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from platform_ops.selectors.database import database_describe


class Command(BaseCommand):
    help = "Connect to the configured database and say whether it answers (exit 1 if not)."

    def handle(self, *args: Any, **options: Any) -> None:
        description = database_describe()
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError as exc:
            # The driver's message names host and reason, never the password.
            first_line = (
                str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            )
            raise CommandError(f"{description}: not reachable ({first_line})") from exc
        self.stdout.write(f"{description}: reachable")
