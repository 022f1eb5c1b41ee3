"""backupdb --bucket / restoredb --bucket against a real S3 endpoint (moto's server)."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.tests.factories import UserFactory
from catalog.models import Product
from platform_ops.services.database_backup_remote import COPY_NAME

PREFIX = "backups/db/"


def _run(*args, **kwargs) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **kwargs)
    return out.getvalue()


def _keys(client, bucket: str) -> list[str]:
    listed = client.list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def _copies(client, bucket: str) -> list[str]:
    return [key for key in _keys(client, bucket) if key.startswith(f"{PREFIX}db-")]


def _counts() -> tuple[int, int]:
    return User.objects.count(), Product.objects.count()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("as_json", [False, True], ids=["native", "json"])
def test_backup_to_the_bucket_and_restore_the_latest(bucket, settings, tmp_path, as_json):
    UserFactory(email="keep@example.com")
    Product.objects.create(name="Kept", price=Decimal("2.00"), category="tools")
    out = _run("backupdb", "--bucket", *(["--json"] if as_json else []))
    assert f"s3://{settings.BACKUP_S3_BUCKET}/{PREFIX}db-" in out
    [key] = _copies(bucket, settings.BACKUP_S3_BUCKET)
    assert COPY_NAME.match(key.removeprefix(PREFIX))
    assert key.endswith(".json") is as_json
    assert not list(tmp_path.glob("fastopp-backup-*")), "no local copy is left behind"

    User.objects.all().delete()
    Product.objects.all().delete()
    UserFactory(email="later@example.com")
    assert "Restored from db-" in _run("restoredb", "--bucket", "--yes")
    assert set(User.objects.values_list("email", flat=True)) == {"keep@example.com"}
    assert list(Product.objects.values_list("name", flat=True)) == ["Kept"]


@pytest.mark.django_db(transaction=True)
def test_retention_keeps_exactly_the_newest_copies(bucket, settings):
    settings.BACKUP_KEEP = 2
    others = {f"{PREFIX}notes.txt", "backups/uploads/manifest.json"}
    for key in others:
        bucket.put_object(Bucket=settings.BACKUP_S3_BUCKET, Key=key, Body=b"not ours")
    made: list[str] = []
    for number in range(4):
        UserFactory(email=f"user{number}@example.com")
        before = set(_keys(bucket, settings.BACKUP_S3_BUCKET))
        _run("backupdb", "--bucket")
        [new] = set(_keys(bucket, settings.BACKUP_S3_BUCKET)) - before
        made.append(new)
        copies = set(_keys(bucket, settings.BACKUP_S3_BUCKET)) - others
        assert copies == set(made[-2:])
    # Keys that backupdb did not name are never pruned, nor the file backups' prefix.
    assert others <= set(_keys(bucket, settings.BACKUP_S3_BUCKET))
    out = _run("backupdb", "--bucket", "--keep", "1")
    assert "Copies kept: 1" in out
    assert made[-1].removeprefix(PREFIX) in out
    assert made[-2].removeprefix(PREFIX) in out
    assert len(set(_keys(bucket, settings.BACKUP_S3_BUCKET)) - others) == 1


@pytest.mark.django_db(transaction=True)
def test_restore_a_named_copy_and_list_them(bucket, settings):
    UserFactory(email="first@example.com")
    _run("backupdb", "--bucket")
    UserFactory(email="second@example.com")
    _run("backupdb", "--bucket")
    first, second = (k.removeprefix(PREFIX) for k in _copies(bucket, settings.BACKUP_S3_BUCKET))
    listing = _run("restoredb", "--list")
    assert listing.index(first) < listing.index(second)
    _run("restoredb", "--bucket", first, "--yes")
    assert set(User.objects.values_list("email", flat=True)) == {"first@example.com"}


@pytest.mark.django_db(transaction=True)
def test_a_bad_copy_in_the_bucket_changes_nothing(bucket, settings):
    UserFactory(email="keep@example.com")
    Product.objects.create(name="Kept", price=Decimal("2.00"), category="tools")
    _run("backupdb", "--bucket")
    [key] = _copies(bucket, settings.BACKUP_S3_BUCKET)
    before = _counts()
    # Replaced without its checksum: caught by the format check.
    bucket.put_object(Bucket=settings.BACKUP_S3_BUCKET, Key=key, Body=b"")
    with pytest.raises(CommandError, match="is empty"):
        _run("restoredb", "--bucket", "--yes")
    # Replaced with a stale checksum: caught before the format check.
    bucket.put_object(
        Bucket=settings.BACKUP_S3_BUCKET, Key=key, Body=b"x", Metadata={"sha256": "0" * 64}
    )
    with pytest.raises(CommandError, match="does not match its checksum"):
        _run("restoredb", "--bucket", "--yes")
    assert _counts() == before


@pytest.mark.django_db(transaction=True)
def test_bucket_refusals_are_one_line(bucket, settings):
    with pytest.raises(CommandError, match="no database backups in s3://"):
        _run("restoredb", "--bucket", "--yes")
    with pytest.raises(CommandError, match="is not a backup name"):
        _run("restoredb", "--bucket", "../../etc/passwd", "--yes")
    with pytest.raises(CommandError, match=r"no backup db-20200101-000000-000000\.json"):
        _run("restoredb", "--bucket", "db-20200101-000000-000000.json", "--yes")
    with pytest.raises(CommandError, match="keep at least one copy"):
        _run("backupdb", "--bucket", "--keep", "0")
    settings.BACKUP_S3_BUCKET = "no-such-bucket"
    with pytest.raises(CommandError, match="upload to s3://no-such-bucket/") as caught:
        _run("backupdb", "--bucket")
    assert "\n" not in str(caught.value)


@pytest.mark.django_db
def test_without_a_bucket_it_says_which_setting_is_missing(settings):
    settings.BACKUP_S3_BUCKET = ""
    with pytest.raises(CommandError, match="set BACKUP_S3_BUCKET"):
        _run("backupdb", "--bucket")
    with pytest.raises(CommandError, match="set BACKUP_S3_BUCKET"):
        _run("restoredb", "--bucket", "--yes")


OPS_TOKEN = "ops-token-for-tests-0123456789"


@pytest.mark.django_db(transaction=True)
def test_the_ops_endpoint_queues_a_bucket_backup(bucket, settings):
    from django.test import Client
    from django_tasks_db.models import DBTaskResult

    from platform_ops.tasks import database_backup

    settings.OPS_TOKEN = OPS_TOKEN
    auth = f"Bearer {OPS_TOKEN}"
    response = Client().post(
        "/admin/backup-db",
        data={"json": True},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert response.status_code == 202
    task = DBTaskResult.objects.get(pk=response.json()["task_id"])
    assert (task.queue_name, task.args_kwargs["kwargs"]) == ("ops", {"use_json": True})
    UserFactory(email="keep@example.com")
    assert database_backup.call(use_json=True)["name"].endswith(".json")
    assert len(_copies(bucket, settings.BACKUP_S3_BUCKET)) == 1

    bad = Client().post(
        "/admin/backup-db", data="{", content_type="application/json", HTTP_AUTHORIZATION=auth
    )
    assert bad.status_code == 400
    settings.BACKUP_S3_BUCKET = ""
    refused = Client().post("/admin/backup-db", HTTP_AUTHORIZATION=auth)
    assert refused.status_code == 422
    assert "set BACKUP_S3_BUCKET" in refused.json()["detail"]
    assert DBTaskResult.objects.count() == 1
