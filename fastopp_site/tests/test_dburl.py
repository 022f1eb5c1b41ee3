from __future__ import annotations

from pathlib import Path

import environ
import pytest

from fastopp_site.dburl import DatabaseUrlError, database_url_normalize

BASE = Path("/srv/app")


def parse(url: str) -> dict[str, object]:
    return dict(environ.Env.db_url_config(database_url_normalize(url=url, base_dir=BASE)))


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("sqlite+aiosqlite:///./test.db", "/srv/app/test.db"),
        ("sqlite:///./test.db", "/srv/app/test.db"),
        ("sqlite:///test.db", "/srv/app/test.db"),
        ("sqlite:///data/app.db", "/srv/app/data/app.db"),
        ("sqlite:////var/lib/app.db", "/var/lib/app.db"),
        ("sqlite+aiosqlite:////var/lib/app.db", "/var/lib/app.db"),
    ],
)
def test_sqlite_urls_resolve_against_the_project_root(url: str, name: str) -> None:
    config = parse(url)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == name


def test_sqlite_memory() -> None:
    assert parse("sqlite://:memory:")["NAME"] == ":memory:"


@pytest.mark.parametrize(
    "scheme",
    [
        "postgres",
        "postgresql",
        "postgresql+asyncpg",
        "postgresql+psycopg2",
        "postgresql+psycopg",
    ],
)
def test_postgres_driver_suffixes_are_dropped(scheme: str) -> None:
    config = parse(f"{scheme}://user:p%40ss@db.example.com:6543/shop")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "shop"
    assert config["USER"] == "user"
    assert config["PASSWORD"] == "p@ss"
    assert config["HOST"] == "db.example.com"
    assert config["PORT"] == 6543


def test_sslmode_passes_through() -> None:
    config = parse("postgresql+psycopg://u:p@h/db?sslmode=require")
    assert config["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize(
    ("ssl", "sslmode"), [("require", "require"), ("true", "require"), ("disable", "disable")]
)
def test_asyncpg_ssl_becomes_sslmode(ssl: str, sslmode: str) -> None:
    config = parse(f"postgresql+asyncpg://u:p@h/db?ssl={ssl}")
    assert config["OPTIONS"] == {"sslmode": sslmode}


def test_asyncpg_only_options_are_dropped() -> None:
    config = parse("postgresql+asyncpg://u:p@h/db?prepared_statement_cache_size=0&ssl=require")
    assert config["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize(
    "url",
    [
        "",
        "not a url",
        "mysql://u:p@h/db",
        "postgresql+asyncpg://u:p@h/db?ssl=maybe",
        "postgresql://u:p@h:abc/db",
        "postgresql://u:p@h:99999/db",
    ],
)
def test_unsupported_urls_are_refused_with_a_reason(url: str) -> None:
    with pytest.raises(DatabaseUrlError):
        database_url_normalize(url=url, base_dir=BASE)
