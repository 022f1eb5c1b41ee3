"""backupdb and restoredb on local files (platform_ops.services.database_backup).

Every test runs in the SQLite pass and in the PostgreSQL pass of the suite.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import User
from accounts.tests.factories import UserFactory
from catalog.models import Product
from catalog.selectors import CACHE_GENERATION_KEY
from webinars.models import Webinar
from webinars.tests.factories import WebinarFactory

NATIVE_SUFFIX = {"sqlite": ".sqlite3", "postgresql": ".dump"}


def _run(*args, **kwargs) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **kwargs)
    return out.getvalue()


def _seed() -> None:
    UserFactory(email="keep@example.com")
    Product.objects.create(name="Kept", price=Decimal("1.50"), category="tools")
    WebinarFactory()


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "products": Product.objects.count(),
        "webinars": Webinar.objects.count(),
    }


def _foreign_native_backup(tmp_path: Path) -> Path:
    """A well-formed backup of the *other* database kind."""
    if connection.vendor == "postgresql":
        path = tmp_path / "other.sqlite3"
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE django_migrations (id integer, app text, name text)")
        db.close()
        return path
    path = tmp_path / "other.dump"
    path.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 200)
    return path


@pytest.mark.django_db(transaction=True)
def test_backupdb_and_restoredb_round_trip(tmp_path):
    UserFactory(email="keep@example.com")
    backup = tmp_path / f"backup{NATIVE_SUFFIX[connection.vendor]}"
    assert "Backup written" in _run("backupdb", "--output", str(backup))
    assert backup.stat().st_size > 0
    User.objects.filter(email="keep@example.com").delete()
    UserFactory(email="later@example.com")
    cache.set(CACHE_GENERATION_KEY, 1, None)
    _run("restoredb", str(backup), "--yes")
    assert set(User.objects.values_list("email", flat=True)) == {"keep@example.com"}
    # No model signal fires during a restore: the catalog's cached reads start over anyway.
    assert cache.get(CACHE_GENERATION_KEY) == 2


@pytest.mark.django_db(transaction=True)
def test_backupdb_json_round_trip_on_either_database(tmp_path):
    """--json writes Django's JSON dump on SQLite too (it used to write a SQLite file)."""
    _seed()
    backup = tmp_path / "backup.json"
    _run("backupdb", "--json", "--output", str(backup))
    rows = json.loads(backup.read_text())
    assert {"accounts.user", "catalog.product", "webinars.webinar"} <= {r["model"] for r in rows}
    before = _counts()
    User.objects.all().delete()
    Product.objects.all().delete()
    UserFactory(email="later@example.com")
    _run("restoredb", str(backup), "--yes")
    assert _counts() == before
    assert User.objects.filter(email="keep@example.com").exists()
    assert not User.objects.filter(email="later@example.com").exists()


@pytest.mark.django_db(transaction=True)
def test_a_native_backup_named_json_restores_by_its_content(tmp_path):
    """The old bug: a SQLite file named .json was flushed-then-loaded as JSON."""
    _seed()
    backup = tmp_path / "mislabelled.json"
    _run("backupdb", "--output", str(backup))
    before = _counts()
    Product.objects.all().delete()
    _run("restoredb", str(backup), "--yes")
    assert _counts() == before


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    native = tmp_path / f"good{NATIVE_SUFFIX[connection.vendor]}"
    _run("backupdb", "--output", str(native))
    good_json = tmp_path / "good.json"
    _run("backupdb", "--json", "--output", str(good_json))

    def write(name: str, data: bytes) -> Path:
        (tmp_path / name).write_bytes(data)
        return tmp_path / name

    native_bytes, json_bytes = native.read_bytes(), good_json.read_bytes()
    other = "SQLite" if connection.vendor == "postgresql" else "PostgreSQL"
    return {
        "empty": (write("empty.sqlite3", b""), "is empty"),
        # Fixed bytes: random ones sometimes begin like JSON and get JSON's message instead.
        "garbage": (
            write("garbage.dump", b"\x89" + bytes(range(256)) * 16),
            "not a backup made by backupdb",
        ),
        "truncated native": (
            write(f"cut{native.suffix}", native_bytes[: len(native_bytes) // 2]),
            "damaged",
        ),
        "truncated json": (write("cut.json", json_bytes[: len(json_bytes) // 2]), "not valid JSON"),
        "other database": (_foreign_native_backup(tmp_path), f"is a {other} backup"),
        "empty json": (write("none.json", b"[]"), "holds no rows"),
        "unknown model": (
            write("alien.json", b'[{"model": "nowhere.thing", "pk": 1, "fields": {}}]'),
            "nowhere.thing",
        ),
        "not django json": (write("list.json", b'[{"name": "x"}]'), "not a Django dumpdata"),
        "gzip": (write("db.json.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 20), "gzip"),
    }


@pytest.mark.django_db(transaction=True)
def test_every_wrong_file_is_refused_in_one_line_and_changes_nothing(tmp_path):
    _seed()
    before = _counts()
    assert all(before.values())
    for case, (path, expected) in _bad_files(tmp_path).items():
        with pytest.raises(CommandError) as caught:
            _run("restoredb", str(path), "--yes")
        message = str(caught.value)
        assert expected in message, (case, message)
        assert "\n" not in message, case
        assert _counts() == before, case
        assert User.objects.filter(email="keep@example.com").exists(), case


@pytest.mark.django_db(transaction=True)
def test_a_sqlite_file_that_is_not_a_django_database_is_refused(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own check (PostgreSQL refuses any SQLite file first)")
    _seed()
    before = _counts()
    path = tmp_path / "other-app.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (body text)")
    db.close()
    with pytest.raises(CommandError, match="not a Django database"):
        _run("restoredb", str(path), "--yes")
    assert _counts() == before


def test_restoredb_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no backup file"):
        _run("restoredb", str(tmp_path / "missing.sqlite3"), "--yes")


def test_restoredb_without_a_source_says_what_to_give():
    with pytest.raises(CommandError, match="give a backup file"):
        _run("restoredb")


def test_the_command_exits_non_zero_with_one_line_and_no_traceback(tmp_path):
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database at all")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'never-opened.sqlite3'}"}
    completed = subprocess.run(
        [sys.executable, "manage.py", "restoredb", str(garbage), "--yes"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    assert "not a backup made by backupdb" in lines[0]
    assert "Traceback" not in completed.stderr


@pytest.mark.django_db
def test_sqlite_backup_inside_a_transaction_is_refused_not_hung(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's backup step is what loops inside a transaction")
    with pytest.raises(CommandError, match="inside a transaction"):
        _run("backupdb", "--output", str(tmp_path / "x.sqlite3"))
