"""What a database backup file holds, checked before a restore touches anything.

A restore used to pick its method from the file's suffix, so a SQLite file named ``.json``
flushed the database and then failed to load. The content decides here, and the whole file
is read once (SQLite's quick_check, pg_restore to /dev/null, a full JSON parse) so a
truncated or damaged copy is refused while every row is still in place.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.db import connection

from core.errors import AppError, ErrorKind


class DatabaseBackupError(AppError):
    """A backup or restore could not be made; the message is one line, safe to print."""

    def __init__(self, message: str, *, kind: ErrorKind = ErrorKind.INVALID) -> None:
        super().__init__(message, kind=kind, code="database_backup_failed")


class BackupFormat(StrEnum):
    SQLITE = "sqlite"  # a SQLite database file (SQLite's backup API)
    PG_CUSTOM = "pg_custom"  # pg_dump --format=custom
    JSON = "json"  # Django's dumpdata: portable between SQLite and PostgreSQL

    @property
    def suffix(self) -> str:
        return {"sqlite": ".sqlite3", "pg_custom": ".dump", "json": ".json"}[self.value]


_VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
_NATIVE = {BackupFormat.SQLITE: "sqlite", BackupFormat.PG_CUSTOM: "postgresql"}


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def backup_format_sniff(*, path: Path) -> BackupFormat:
    """The format named by the file's first bytes; refuses empty and unknown files."""
    if not path.is_file():
        raise DatabaseBackupError(f"no backup file at {path}", kind=ErrorKind.NOT_FOUND)
    with path.open("rb") as handle:
        head = handle.read(64)
    if not head:
        raise DatabaseBackupError(f"{path} is empty: not a backup")
    if head.startswith(b"SQLite format 3\x00"):
        return BackupFormat.SQLITE
    if head.startswith(b"PGDMP"):
        return BackupFormat.PG_CUSTOM
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
        return BackupFormat.JSON
    if head.startswith(b"\x1f\x8b"):
        raise DatabaseBackupError(f"{path} is gzip-compressed: uncompress it first")
    if b"PostgreSQL database dump" in head:
        raise DatabaseBackupError(
            f"{path} is a plain-SQL pg_dump: load it with psql, or make one with backupdb"
        )
    raise DatabaseBackupError(
        f"{path} is not a backup made by backupdb (not SQLite, pg_dump custom format or JSON)"
    )


def _check_vendor(path: Path, found: BackupFormat) -> None:
    native_vendor = _NATIVE.get(found)
    if native_vendor is None or native_vendor == connection.vendor:
        return
    theirs = _VENDOR_NAMES[native_vendor]
    ours = _VENDOR_NAMES.get(connection.vendor, connection.vendor)
    raise DatabaseBackupError(
        f"{path} is a {theirs} backup and this database is {ours}; nothing was changed"
        f" (backupdb --json makes a backup that moves between them)"
    )


def sqlite_read_only(path: Path) -> sqlite3.Connection:
    """A connection that only reads `path`, creating no -wal/-shm files beside it."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True)


def _check_sqlite(path: Path) -> None:
    try:
        with sqlite_read_only(path) as db:
            verdict = db.execute("PRAGMA quick_check").fetchone()
            tables = db.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='django_migrations'"
            ).fetchone()
        db.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseBackupError(f"{path} is a damaged SQLite file ({exc})") from exc
    if not verdict or verdict[0] != "ok":
        detail = verdict[0] if verdict else "no answer"
        raise DatabaseBackupError(f"{path} is a damaged SQLite file ({detail})")
    if not tables or tables[0] != 1:
        raise DatabaseBackupError(f"{path} is a SQLite file but not a Django database")


def _pg_restore_tool() -> str:
    tool = shutil.which("pg_restore")
    if tool is None:
        raise DatabaseBackupError(
            "pg_restore is not installed; install PostgreSQL's client tools or use a JSON backup"
        )
    return tool


def _check_pg_custom(path: Path) -> None:
    tool = _pg_restore_tool()
    listing = subprocess.run(
        [tool, "--list", str(path)], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0:
        detail = _first_line(listing.stderr)
        raise DatabaseBackupError(f"{path} is a damaged pg_dump file ({detail})")
    if " django_migrations " not in listing.stdout:
        raise DatabaseBackupError(f"{path} is a pg_dump file but not of a Django database")
    # --list reads only the table of contents; a truncated file fails only when the data
    # is read, which writing the whole restore script to /dev/null does, touching no server.
    full = subprocess.run(
        [tool, f"--file={os.devnull}", str(path)], capture_output=True, text=True, check=False
    )
    if full.returncode != 0:
        detail = _first_line(full.stderr)
        raise DatabaseBackupError(f"{path} is a damaged or truncated pg_dump file ({detail})")


def _check_json(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            rows: Any = json.load(handle)
    except UnicodeDecodeError as exc:
        raise DatabaseBackupError(f"{path} is not UTF-8 JSON ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise DatabaseBackupError(
            f"{path} is not valid JSON, perhaps truncated ({exc.msg} at line {exc.lineno})"
        ) from exc
    if not isinstance(rows, list) or not rows:
        # An empty dump would flush every table and load nothing.
        raise DatabaseBackupError(f"{path} holds no rows: refusing to empty the database")
    labels: set[str] = set()
    for row in rows:
        if not (
            isinstance(row, dict)
            and isinstance(row.get("model"), str)
            and isinstance(row.get("fields"), dict)
        ):
            raise DatabaseBackupError(f"{path} is JSON but not a Django dumpdata backup")
        labels.add(row["model"])
    for label in sorted(labels):
        try:
            apps.get_model(label)
        except (LookupError, ValueError) as exc:
            raise DatabaseBackupError(
                f"{path} holds rows of {label}, a model this project does not have"
            ) from exc


def database_backup_inspect(*, path: Path) -> BackupFormat:
    """The file's format, once it is known to be a whole backup this database can restore."""
    found = backup_format_sniff(path=path)
    _check_vendor(path, found)
    {
        BackupFormat.SQLITE: _check_sqlite,
        BackupFormat.PG_CUSTOM: _check_pg_custom,
        BackupFormat.JSON: _check_json,
    }[found](path)
    return found
