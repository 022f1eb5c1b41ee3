from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from platform_ops.services.database_backup import (
    DatabaseBackupError,
    database_backup_inspect,
    database_restore,
)
from platform_ops.services.database_backup_remote import (
    LATEST,
    database_backup_copies,
    database_backup_download,
)


class Command(BaseCommand):
    help = (
        "Replace the database's contents with a backup made by backupdb: a local file, or "
        "with --bucket [NAME] a copy in the backup bucket (the newest by default). The file "
        "is checked whole first; one that does not fit this database changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, nargs="?", help="A local backup file.")
        parser.add_argument(
            "--bucket",
            nargs="?",
            const=LATEST,
            default=None,
            metavar="NAME",
            help="Restore from the backup bucket: the newest copy, or the one named.",
        )
        parser.add_argument(
            "--list", action="store_true", help="List the copies in the bucket and stop."
        )
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["list"]:
                self._list()
            elif options["bucket"] is not None:
                if options["path"] is not None:
                    raise CommandError("give a local file or --bucket, not both")
                with tempfile.TemporaryDirectory(prefix="fastopp-restore-") as folder:
                    path = database_backup_download(name=options["bucket"], folder=Path(folder))
                    self._restore(path, options["yes"])
            elif options["path"] is not None:
                self._restore(options["path"], options["yes"])
            else:
                raise CommandError("give a backup file, or --bucket [NAME], or --list")
        except DatabaseBackupError as exc:
            raise CommandError(str(exc)) from exc

    def _list(self) -> None:
        copies = database_backup_copies()
        for copy in copies:
            self.stdout.write(f"{copy.name}  {copy.size} bytes  {copy.modified.isoformat()}")
        if not copies:
            self.stdout.write("No database backups in the bucket.")

    def _restore(self, path: Path, yes: bool) -> None:
        # Checked before the question, so nobody confirms a restore that would be refused.
        backup_format = database_backup_inspect(path=path)
        if not yes:
            try:
                answer = input(
                    f"{path.name} ({backup_format.value}) replaces every row in the database."
                    " Type 'yes' to go on: "
                )
            except EOFError as exc:
                raise CommandError("no answer on standard input; pass --yes to go on") from exc
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled.")
        database_restore(path=path)
        self.stdout.write(self.style.SUCCESS(f"Restored from {path.name} ({backup_format.value})"))
