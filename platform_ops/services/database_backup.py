"""Database backup and restore while the site runs: SQLite's backup API, pg_dump, or JSON."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from core.errors import AppError, ErrorKind


class DatabaseBackupError(AppError):
    """A backup or restore could not be made; the message is safe to print."""

    def __init__(self, message: str, *, kind: ErrorKind = ErrorKind.INVALID) -> None:
        super().__init__(message, kind=kind, code="database_backup_failed")


def _backup_path_default(*, suffix: str) -> Path:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.BASE_DIR) / "backups" / f"db-{stamp}{suffix}"


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


def database_backup(*, path: Path | None = None, use_json: bool = False) -> Path:
    """Copy the database to a file while the site runs; returns the file's path.

    SQLite uses its online backup API; PostgreSQL uses pg_dump's custom format when it is
    installed, and Django's JSON dump otherwise (or when ``use_json`` asks for it).
    """
    if connection.vendor == "sqlite":
        target = path or _backup_path_default(suffix=".sqlite3")
        target.parent.mkdir(parents=True, exist_ok=True)
        connection.ensure_connection()
        with sqlite3.connect(target) as destination:
            connection.connection.backup(destination)
        destination.close()
        return target
    if connection.vendor == "postgresql" and shutil.which("pg_dump") and not use_json:
        target = path or _backup_path_default(suffix=".dump")
        target.parent.mkdir(parents=True, exist_ok=True)
        _run_tool([shutil.which("pg_dump") or "pg_dump", "--format=custom", "--no-owner",
                   f"--file={target}", *_pg_args()])  # fmt: skip
        return target
    target = path or _backup_path_default(suffix=".json")
    target.parent.mkdir(parents=True, exist_ok=True)
    call_command(
        "dumpdata",
        natural_foreign=True,
        exclude=["contenttypes", "auth.permission", "sessions", "admin.logentry"],
        output=str(target),
        verbosity=0,
    )
    return target


def database_restore(*, path: Path) -> None:
    """Replace the database's contents with a backup made by `database_backup`."""
    if not path.is_file():
        raise DatabaseBackupError(f"no backup file at {path}", kind=ErrorKind.NOT_FOUND)
    if path.suffix == ".json":
        call_command("flush", interactive=False, verbosity=0)
        call_command("loaddata", str(path), verbosity=0)
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as source:
            source.backup(connection.connection)
        source.close()
        return
    if connection.vendor == "postgresql":
        tool = shutil.which("pg_restore")
        if tool is None:
            raise DatabaseBackupError("pg_restore is not installed; restore a .json backup")
        # Our own connection must not hold locks on the tables pg_restore drops.
        connection.close()
        _run_tool([tool, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                   *_pg_args(), str(path)])  # fmt: skip
        return
    raise DatabaseBackupError(f"cannot restore a {path.suffix} file on {connection.vendor}")
