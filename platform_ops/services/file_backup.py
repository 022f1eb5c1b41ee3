"""Copy uploaded files to an S3-compatible bucket and back, with a checksummed manifest.

Layout in the bucket: ``<prefix>/manifest.json`` and ``<prefix>/files/<path>``. Backup
and restore read the same prefix (BACKUP_S3_PREFIX), so every backup can be restored.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.utils import timezone

from core.errors import AppError, ErrorKind

MANIFEST_NAME = "manifest.json"
PARALLEL_TRANSFERS = 8


class FileBackupError(AppError):
    """The backup bucket is not configured or not reachable; safe to show."""

    def __init__(self, message: str, *, kind: ErrorKind = ErrorKind.INVALID) -> None:
        super().__init__(message, kind=kind, code="file_backup_failed")


@dataclass
class FileBackupResult:
    files: int = 0
    bytes: int = 0
    restored: int = 0
    refused: list[str] = field(default_factory=list)
    corrupt: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unlisted: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def backup_client() -> Any:
    import boto3
    from botocore.config import Config

    if not settings.BACKUP_S3_BUCKET:
        raise FileBackupError("set BACKUP_S3_BUCKET (or S3_BUCKET) to back up files")
    return boto3.client(
        "s3",
        endpoint_url=settings.BACKUP_S3_ENDPOINT_URL or None,
        region_name=settings.BACKUP_S3_REGION,
        aws_access_key_id=settings.BACKUP_S3_ACCESS_KEY or None,
        aws_secret_access_key=settings.BACKUP_S3_SECRET_KEY or None,
        config=Config(
            s3={"addressing_style": "path"},
            # S3-compatible stores (LeapCell, R2, MinIO) reject boto3's newer checksum headers.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            max_pool_connections=PARALLEL_TRANSFERS * 2,
        ),
    )


def _prefix() -> str:
    return str(settings.BACKUP_S3_PREFIX).strip("/")


def _storage_walk(storage: Storage, folder: str = "") -> list[str]:
    directories, files = storage.listdir(folder)
    names = [f"{folder}/{name}" if folder else name for name in files]
    for directory in directories:
        names.extend(_storage_walk(storage, f"{folder}/{directory}" if folder else directory))
    return names


def upload_name_safe(name: str) -> bool:
    """True when a backed-up path stays inside the upload folder once restored."""
    if not name or "\\" in name or "\x00" in name:
        return False
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and "." not in name.split("/")


def files_backup_run(*, client: Any = None) -> FileBackupResult:
    client = client or backup_client()
    bucket, prefix = settings.BACKUP_S3_BUCKET, _prefix()
    names = sorted(_storage_walk(default_storage))

    def upload(name: str) -> dict[str, Any]:
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
        client.put_object(Bucket=bucket, Key=f"{prefix}/files/{name}", Body=data)
        return {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}

    with ThreadPoolExecutor(PARALLEL_TRANSFERS) as pool:
        entries = list(pool.map(upload, names))
    manifest = {"created_at": timezone.now().isoformat(), "files": entries}
    # Written last: a manifest only ever describes files already in the bucket.
    client.put_object(
        Bucket=bucket,
        Key=f"{prefix}/{MANIFEST_NAME}",
        Body=json.dumps(manifest).encode(),
        ContentType="application/json",
    )
    return FileBackupResult(files=len(entries), bytes=sum(entry["size"] for entry in entries))


def files_restore_run(*, client: Any = None) -> FileBackupResult:
    client = client or backup_client()
    bucket, prefix = settings.BACKUP_S3_BUCKET, _prefix()
    try:
        body = client.get_object(Bucket=bucket, Key=f"{prefix}/{MANIFEST_NAME}")["Body"].read()
    except client.exceptions.NoSuchKey as exc:
        raise FileBackupError(
            f"no backup manifest under {prefix}/", kind=ErrorKind.NOT_FOUND
        ) from exc
    expected = {entry["path"]: entry for entry in json.loads(body)["files"]}
    result = FileBackupResult(files=len(expected))

    files_prefix = f"{prefix}/files/"
    stored: set[str] = set()
    # list_objects_v2 returns at most 1000 keys per call.
    for page in client.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=files_prefix
    ):
        for item in page.get("Contents", []):
            stored.add(item["Key"][len(files_prefix) :])

    to_restore: list[str] = []
    for name in sorted(stored | set(expected)):
        if not upload_name_safe(name):
            result.refused.append(name)
        elif name not in expected:
            result.unlisted += 1
        elif name not in stored:
            result.missing.append(name)
        else:
            to_restore.append(name)

    def download(name: str) -> tuple[str, bool, int]:
        data = client.get_object(Bucket=bucket, Key=f"{files_prefix}{name}")["Body"].read()
        entry = expected[name]
        if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            return name, False, 0
        if default_storage.exists(name):
            default_storage.delete(name)
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:
            raise FileBackupError(
                f"storage renamed {name} to {saved}", kind=ErrorKind.UPSTREAM_FAILED
            )
        return name, True, len(data)

    with ThreadPoolExecutor(PARALLEL_TRANSFERS) as pool:
        for name, ok, size in pool.map(download, to_restore):
            if ok:
                result.restored += 1
                result.bytes += size
            else:
                result.corrupt.append(name)
    return result


def files_backup_enqueue() -> str:
    """Queue `files_backup_run` on the "ops" queue and return the task id for polling."""
    # The services <-> tasks pair: the task module imports this one at its top.
    from platform_ops.tasks import files_backup

    return str(files_backup.enqueue().id)


def files_restore_enqueue() -> str:
    from platform_ops.tasks import files_restore

    return str(files_restore.enqueue().id)
