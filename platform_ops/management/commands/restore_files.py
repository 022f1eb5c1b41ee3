from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from platform_ops.services.file_backup import FileBackupError, files_restore_run


class Command(BaseCommand):
    help = "Restore uploaded files to/from the BACKUP_S3_* bucket (manifest with sha256)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = files_restore_run()
        except FileBackupError as exc:
            raise CommandError(str(exc)) from exc
        for key, value in result.as_dict().items():
            shown = len(value) if isinstance(value, list) else value
            self.stdout.write(f"{key}: {shown}")
