"""Database backups in the backup bucket, so they outlive the machine (Fly's disk does not).

The bucket and credentials are the file backups' (BACKUP_S3_*); copies live under
BACKUP_DB_PREFIX as ``db-<UTC timestamp><suffix>``, so the newest sorts last. After each
successful upload only the BACKUP_KEEP newest copies stay. Each object carries the sha256
of its bytes, checked after download and before the restore's own checks.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings

from core.errors import ErrorKind
from platform_ops.services.database_backup import (
    DatabaseBackupError,
    backup_file_name,
    database_backup,
)
from platform_ops.services.database_backup_formats import backup_format_sniff
from platform_ops.services.file_backup import FileBackupError, backup_client

# Only names backupdb made count as copies (for retention and "latest") or can be asked for.
COPY_NAME = re.compile(r"^db-\d{8}-\d{6}-\d{6}\.(sqlite3|dump|json)$")
LATEST = "latest"


@dataclass
class BucketCopy:
    name: str
    size: int
    modified: datetime


@dataclass
class BucketBackupResult:
    name: str
    bucket: str
    key: str
    size: int
    kept: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    local_path: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _client() -> Any:
    try:
        return backup_client()
    except FileBackupError as exc:
        raise DatabaseBackupError(
            "set BACKUP_S3_BUCKET (or S3_BUCKET) to keep database backups in a bucket"
        ) from exc


def _prefix() -> str:
    return str(settings.BACKUP_DB_PREFIX).strip("/")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def database_backup_copies(*, client: Any = None) -> list[BucketCopy]:
    """The database copies in the bucket, oldest first."""
    client = client or _client()
    prefix = f"{_prefix()}/"
    copies: list[BucketCopy] = []
    try:
        for page in client.get_paginator("list_objects_v2").paginate(
            Bucket=settings.BACKUP_S3_BUCKET, Prefix=prefix
        ):
            for item in page.get("Contents", []):
                name = item["Key"][len(prefix) :]
                if COPY_NAME.match(name):
                    copies.append(BucketCopy(name, int(item["Size"]), item["LastModified"]))
    except client.exceptions.ClientError as exc:
        raise DatabaseBackupError(
            f"cannot list s3://{settings.BACKUP_S3_BUCKET}/{prefix}: {exc}",
            kind=ErrorKind.UPSTREAM_FAILED,
        ) from exc
    return sorted(copies, key=lambda copy: copy.name)


def database_backup_prune(*, keep: int, client: Any = None) -> tuple[list[str], list[str]]:
    """Delete all but the `keep` newest copies; returns (kept, deleted) names."""
    if keep < 1:
        raise DatabaseBackupError("keep at least one copy (BACKUP_KEEP or --keep >= 1)")
    client = client or _client()
    names = [copy.name for copy in database_backup_copies(client=client)]
    kept, deleted = names[-keep:], names[:-keep]
    for name in deleted:
        client.delete_object(Bucket=settings.BACKUP_S3_BUCKET, Key=f"{_prefix()}/{name}")
    return kept, deleted


def database_backup_upload(
    *, use_json: bool = False, keep: int | None = None, output: Path | None = None
) -> BucketBackupResult:
    """Back up the database into the bucket, then prune the oldest copies.

    The copy is made on local disk first (`output`, or a temporary folder removed after),
    checked by `database_backup`, and uploaded; pruning runs only after the upload
    succeeded, so a failed backup never costs an old copy.
    """
    keep = settings.BACKUP_KEEP if keep is None else keep
    if keep < 1:
        raise DatabaseBackupError("keep at least one copy (BACKUP_KEEP or --keep >= 1)")
    client = _client()
    bucket = settings.BACKUP_S3_BUCKET
    with tempfile.TemporaryDirectory(prefix="fastopp-backup-") as folder:
        made = database_backup(path=output or Path(folder) / "db", use_json=use_json)
        name = backup_file_name(backup_format=backup_format_sniff(path=made))
        key = f"{_prefix()}/{name}"
        try:
            client.upload_file(
                str(made), bucket, key, ExtraArgs={"Metadata": {"sha256": _sha256(made)}}
            )
        except Exception as exc:  # boto3 raises several unrelated types for one failure
            raise DatabaseBackupError(
                f"upload to s3://{bucket}/{key} failed: {exc}", kind=ErrorKind.UPSTREAM_FAILED
            ) from exc
        size = made.stat().st_size
    kept, deleted = database_backup_prune(keep=keep, client=client)
    return BucketBackupResult(
        name=name,
        bucket=bucket,
        key=key,
        size=size,
        kept=kept,
        deleted=deleted,
        local_path=str(output) if output else None,
    )


def database_backup_download(*, name: str = LATEST, folder: Path, client: Any = None) -> Path:
    """Fetch one copy (the newest for ``latest``) into `folder`; its checksum must match."""
    client = client or _client()
    if name == LATEST:
        copies = database_backup_copies(client=client)
        if not copies:
            raise DatabaseBackupError(
                f"no database backups in s3://{settings.BACKUP_S3_BUCKET}/{_prefix()}/",
                kind=ErrorKind.NOT_FOUND,
            )
        name = copies[-1].name
    elif not COPY_NAME.match(name):
        raise DatabaseBackupError(
            f"{name!r} is not a backup name (db-YYYYMMDD-HHMMSS-ffffff.sqlite3|dump|json)"
        )
    key = f"{_prefix()}/{name}"
    target = folder / name
    try:
        head = client.head_object(Bucket=settings.BACKUP_S3_BUCKET, Key=key)
        client.download_file(settings.BACKUP_S3_BUCKET, key, str(target))
    except client.exceptions.ClientError as exc:
        raise DatabaseBackupError(
            f"no backup {name} in s3://{settings.BACKUP_S3_BUCKET}/{_prefix()}/",
            kind=ErrorKind.NOT_FOUND,
        ) from exc
    expected = head.get("Metadata", {}).get("sha256")
    if expected and expected != _sha256(target):
        raise DatabaseBackupError(f"{name} in the bucket does not match its checksum")
    return target


def database_backup_enqueue(*, use_json: bool = False) -> str:
    """Queue `database_backup_upload` on the "ops" queue; refuses at once without a bucket."""
    if not settings.BACKUP_S3_BUCKET:
        raise DatabaseBackupError(
            "set BACKUP_S3_BUCKET (or S3_BUCKET) to keep database backups in a bucket"
        )
    # The services <-> tasks pair: the task module imports this one at its top.
    from platform_ops.tasks import database_backup as database_backup_task

    return str(database_backup_task.enqueue(use_json=use_json).id)
