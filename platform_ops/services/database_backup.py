"""Database backup and restore while the site runs: SQLite's backup API, pg_dump, or JSON.

Why not django-dbbackup (5.4, Django 5.0-6.0): its SQLite restore writes the backup's bytes
over the live database file without checking them (an empty or truncated file replaces
every row), and it checks the engine only when a side-car metadata file is present. What it
adds for this job, S3 through django-storages and `--clean` retention, is a listing and a
delete on the bucket the file backups already use (`database_backup_remote`).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from catalog.services import catalog_cache_clear
from core.errors import ErrorKind
from platform_ops.services.database_backup_formats import (
    BackupFormat,
    DatabaseBackupError,
    database_backup_inspect,
    sqlite_read_only,
)

__all__ = [
    "BackupFormat",
    "DatabaseBackupError",
    "backup_file_name",
    "database_backup",
    "database_backup_inspect",
    "database_restore",
]

# Rows dumpdata leaves out: rebuilt by migrate (content types, permissions) or not worth
# restoring (sessions, the admin's log).
JSON_EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


def backup_file_name(*, backup_format: BackupFormat) -> str:
    """db-<UTC date>-<time>-<microseconds><suffix>: names sort in the order they were made."""
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
    return f"db-{stamp}{backup_format.suffix}"


def _pg_env() -> dict[str, str]:
    # The password goes through the environment, never the command line (visible in ps).
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args() -> list[str]:
    db = connection.settings_dict
    args = [f"--dbname={db['NAME']}"]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    return args


def _run_tool(args: list[str]) -> None:
    completed = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        detail = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        raise DatabaseBackupError(
            f"{Path(args[0]).name} failed: {detail}", kind=ErrorKind.UPSTREAM_FAILED
        )


def _native_format() -> BackupFormat:
    if connection.vendor == "sqlite":
        return BackupFormat.SQLITE
    if connection.vendor == "postgresql" and shutil.which("pg_dump"):
        return BackupFormat.PG_CUSTOM
    return BackupFormat.JSON


def _sqlite_outside_transaction() -> None:
    # Inside an open transaction SQLite's backup step is refused for ever and Python's
    # sqlite3 retries it in a loop: refuse at once instead of hanging.
    if connection.in_atomic_block:
        raise DatabaseBackupError("cannot copy a SQLite database from inside a transaction")
    connection.ensure_connection()


def database_backup(*, path: Path | None = None, use_json: bool = False) -> Path:
    """Copy the database to a file while the site runs, check the copy, return its path.

    SQLite uses its online backup API; PostgreSQL uses pg_dump's custom format when it is
    installed. ``use_json`` (or PostgreSQL without pg_dump) writes Django's JSON dump, which
    restores into either database.
    """
    backup_format = BackupFormat.JSON if use_json else _native_format()
    target = path or Path(settings.BASE_DIR) / "backups" / backup_file_name(
        backup_format=backup_format
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    if backup_format is BackupFormat.SQLITE:
        _sqlite_outside_transaction()
        with sqlite3.connect(target) as destination:
            connection.connection.backup(destination)
            # A copy of a WAL database is in WAL mode too; a standalone file needs no -wal.
            destination.execute("PRAGMA journal_mode=DELETE")
        destination.close()
    elif backup_format is BackupFormat.PG_CUSTOM:
        _run_tool([shutil.which("pg_dump") or "pg_dump", "--format=custom", "--no-owner",
                   f"--file={target}", *_pg_args()])  # fmt: skip
    else:
        call_command(
            "dumpdata",
            natural_foreign=True,
            exclude=JSON_EXCLUDE,
            output=str(target),
            verbosity=0,
        )
    # A backup that cannot be restored is not a backup: say so now, not on the bad day.
    database_backup_inspect(path=target)
    return target


def database_restore(*, path: Path) -> BackupFormat:
    """Replace the database's contents with a backup made by `database_backup`.

    The file is checked whole first (`database_backup_inspect`); each method then replaces
    the data in one transaction, so a failure part-way leaves every row as it was.
    """
    backup_format = database_backup_inspect(path=path)
    if backup_format is BackupFormat.JSON:
        try:
            with transaction.atomic():
                call_command("flush", interactive=False, verbosity=0)
                call_command("loaddata", str(path), verbosity=0)
        except (DatabaseError, ValueError, LookupError) as exc:
            detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            raise DatabaseBackupError(
                f"loading {path} failed and nothing was changed: {detail}"
            ) from exc
    elif backup_format is BackupFormat.SQLITE:
        _sqlite_outside_transaction()
        try:
            # One step (pages=-1) under one write lock: the live file changes all at once.
            with sqlite_read_only(path) as source:
                source.backup(connection.connection)
            source.close()
        except sqlite3.Error as exc:
            raise DatabaseBackupError(f"restoring {path} failed: {exc}") from exc
    else:
        # Our own connection must not hold locks on the tables pg_restore drops.
        connection.close()
        _run_tool([_pg_restore(), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                   "--exit-on-error", *_pg_args(), str(path)])  # fmt: skip
    # A restore replaces rows without model signals: every process's cached catalog reads
    # would otherwise go on serving the products the backup no longer has.
    catalog_cache_clear()
    return backup_format


def _pg_restore() -> str:
    return shutil.which("pg_restore") or "pg_restore"
