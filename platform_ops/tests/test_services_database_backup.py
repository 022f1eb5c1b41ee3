"""backupdb and restoredb (platform_ops.services.database_backup)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import User
from accounts.tests.factories import UserFactory


def _run(*args, **kwargs) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **kwargs)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_backupdb_and_restoredb_round_trip(tmp_path):
    UserFactory(email="keep@example.com")
    suffix = {"sqlite": ".sqlite3", "postgresql": ".dump"}[connection.vendor]
    backup = tmp_path / f"backup{suffix}"
    assert "Backup written" in _run("backupdb", "--output", str(backup))
    assert backup.stat().st_size > 0
    User.objects.filter(email="keep@example.com").delete()
    UserFactory(email="later@example.com")
    _run("restoredb", str(backup), "--yes")
    assert set(User.objects.values_list("email", flat=True)) == {"keep@example.com"}


@pytest.mark.django_db(transaction=True)
def test_backupdb_json_fallback_round_trip(tmp_path):
    if connection.vendor == "sqlite":
        pytest.skip("the JSON fallback is PostgreSQL's (SQLite always has its backup API)")
    UserFactory(email="keep@example.com")
    backup = tmp_path / "backup.json"
    _run("backupdb", "--json", "--output", str(backup))
    User.objects.all().delete()
    _run("restoredb", str(backup), "--yes")
    assert User.objects.filter(email="keep@example.com").exists()


def test_restoredb_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no backup file"):
        _run("restoredb", str(tmp_path / "missing.sqlite3"), "--yes")
