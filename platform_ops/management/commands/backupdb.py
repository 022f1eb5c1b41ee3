from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from platform_ops.services.database_backup import DatabaseBackupError, database_backup


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup, pg_dump, or a JSON dump)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, default=None, help="File to write.")
        parser.add_argument("--json", action="store_true", help="Django's JSON dump format.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = database_backup(path=options["output"], use_json=options["json"])
        except DatabaseBackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
