"""Backup/restore of uploaded files against a real S3 endpoint (moto's server on loopback)."""

from __future__ import annotations

import hashlib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from platform_ops.services.file_backup import (
    FileBackupError,
    files_backup_run,
    files_restore_run,
    upload_name_safe,
)
from platform_ops.tasks import files_backup


def _tree(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.slow
def test_1500_files_round_trip_byte_exact(bucket, settings):
    if connection.vendor != "sqlite":
        # Files and the bucket only, no database: the second pass would repeat it exactly.
        pytest.skip("runs once, in the SQLite pass (it touches no database)")
    for number in range(1500):
        folder = f"photos/{number % 7}" if number % 3 else "docs"
        default_storage.save(
            f"{folder}/file-{number}.bin",
            ContentFile(f"payload {number}".encode() * (number % 5 + 1)),
        )
    media = Path(settings.MEDIA_ROOT)
    before = _tree(media)
    assert len(before) == 1500

    backed_up = files_backup_run()
    assert backed_up.files == 1500

    for path in media.rglob("*.bin"):
        path.unlink()
    (media / "docs" / "file-0.bin").write_bytes(b"edited since the backup")

    restored = files_restore_run()
    assert restored.restored == 1500
    assert (restored.refused, restored.corrupt, restored.missing) == ([], [], [])
    assert _tree(media) == before


def test_restore_refuses_keys_outside_the_upload_folder(bucket, settings, tmp_path):
    default_storage.save("ok.txt", ContentFile(b"fine"))
    files_backup_run()
    evil = {"../escaped.txt": b"outside", "/etc/evil.txt": b"absolute", "a/../../up.txt": b"up"}
    manifest_key = "backups/uploads/manifest.json"
    manifest = json.loads(
        bucket.get_object(Bucket=settings.BACKUP_S3_BUCKET, Key=manifest_key)["Body"].read()
    )
    for name, data in evil.items():
        bucket.put_object(
            Bucket=settings.BACKUP_S3_BUCKET, Key=f"backups/uploads/files/{name}", Body=data
        )
        manifest["files"].append(
            {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        )
    bucket.put_object(
        Bucket=settings.BACKUP_S3_BUCKET, Key=manifest_key, Body=json.dumps(manifest).encode()
    )

    result = files_restore_run()
    assert result.restored == 1
    assert set(result.refused) == set(evil)
    assert not (tmp_path / "escaped.txt").exists()
    assert not (tmp_path / "up.txt").exists()
    assert not Path("/etc/evil.txt").exists()


def test_restore_skips_files_whose_checksum_does_not_match(bucket, settings):
    default_storage.save("photo.jpg", ContentFile(b"original bytes"))
    files_backup_run()
    bucket.put_object(
        Bucket=settings.BACKUP_S3_BUCKET,
        Key="backups/uploads/files/photo.jpg",
        Body=b"tampered bytes",
    )
    default_storage.delete("photo.jpg")
    result = files_restore_run()
    assert result.corrupt == ["photo.jpg"]
    assert not default_storage.exists("photo.jpg")


def test_restore_without_a_backup_says_so(bucket):
    with pytest.raises(FileBackupError, match="no backup manifest"):
        files_restore_run()


def test_commands_and_task_report_counts(bucket):
    default_storage.save("one.txt", ContentFile(b"1"))
    out = StringIO()
    call_command("backup_files", stdout=out)
    assert "files: 1" in out.getvalue()
    assert files_backup.call()["files"] == 1
    out = StringIO()
    call_command("restore_files", stdout=out)
    assert "restored: 1" in out.getvalue()


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("a/b.jpg", True),
        ("../x", False),
        ("/abs", False),
        ("a/./b", False),
        ("", False),
        ("a\\..\\b", False),
    ],
)
def test_upload_name_safe(name, safe):
    assert upload_name_safe(name) is safe
