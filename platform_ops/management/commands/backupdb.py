from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from platform_ops.services.database_backup import DatabaseBackupError, database_backup
from platform_ops.services.database_backup_remote import database_backup_upload


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup, pg_dump, or a JSON dump) to a local "
        "file, or with --bucket to the backup bucket, keeping the BACKUP_KEEP newest copies."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, default=None, help="File to write.")
        parser.add_argument(
            "--json",
            action="store_true",
            help="Django's JSON dump: restores into SQLite or PostgreSQL alike.",
        )
        parser.add_argument(
            "--bucket",
            action="store_true",
            help="Upload to BACKUP_S3_BUCKET under BACKUP_DB_PREFIX (with --output, keep "
            "the local file too).",
        )
        parser.add_argument(
            "--keep", type=int, default=None, help="Copies to keep in the bucket (BACKUP_KEEP)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["bucket"]:
                result = database_backup_upload(
                    use_json=options["json"], keep=options["keep"], output=options["output"]
                )
            else:
                if options["keep"] is not None:
                    raise CommandError("--keep applies to --bucket backups only")
                path = database_backup(path=options["output"], use_json=options["json"])
                self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
                return
        except DatabaseBackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup uploaded to s3://{result.bucket}/{result.key} ({result.size} bytes)"
            )
        )
        if result.local_path:
            self.stdout.write(f"Local copy: {result.local_path}")
        self.stdout.write(
            f"Copies kept: {len(result.kept)}; deleted: {', '.join(result.deleted) or 'none'}"
        )
