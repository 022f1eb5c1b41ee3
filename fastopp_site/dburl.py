"""Turn the database URLs that FastOpp users paste into something django-environ parses.

FastOpp is SQLAlchemy-based, so its `.env` files hold URLs such as
``sqlite+aiosqlite:///./test.db`` or ``postgresql+asyncpg://u:p@h/db?ssl=require``.
Django has no use for the ``+driver`` part, and libpq rejects asyncpg-only options,
so both are rewritten here before the URL reaches the env reader.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# asyncpg spells libpq's sslmode as ``ssl``; the values mostly match.
_ASYNCPG_SSL_TO_SSLMODE = {
    "true": "require",
    "false": "disable",
    "disable": "disable",
    "allow": "allow",
    "prefer": "prefer",
    "require": "require",
    "verify-ca": "verify-ca",
    "verify-full": "verify-full",
}

# Options only SQLAlchemy or asyncpg understand; libpq refuses unknown keys at connect time.
_DROPPED_QUERY_KEYS = {
    "prepared_statement_cache_size",
    "statement_cache_size",
    "command_timeout",
    "server_settings",
    "async_fallback",
    "pool_size",
    "max_overflow",
    "pool_pre_ping",
    "pool_recycle",
    "echo",
}

_POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "psql"}


class DatabaseUrlError(ValueError):
    """The URL cannot describe a database this project supports."""


def database_url_normalize(*, url: str, base_dir: Path) -> str:
    """Return ``url`` in the plain form django-environ expects.

    Relative SQLite paths are resolved against ``base_dir`` (the project root) rather
    than the working directory, so the web process and the worker find the same file.
    """
    url = url.strip()
    if not url:
        raise DatabaseUrlError("DATABASE_URL is empty")
    parts = urlsplit(url)
    if not parts.scheme:
        raise DatabaseUrlError("DATABASE_URL has no scheme (expected sqlite:/// or postgresql://)")
    scheme = parts.scheme.lower().split("+", 1)[0]

    if scheme == "sqlite":
        return _sqlite_normalize(url=url, base_dir=base_dir)
    if scheme in _POSTGRES_SCHEMES:
        query = []
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            if key == "ssl":
                mapped = _ASYNCPG_SSL_TO_SSLMODE.get(value.lower())
                if mapped is None:
                    raise DatabaseUrlError(f"DATABASE_URL has an unknown ssl value: {value!r}")
                query.append(("sslmode", mapped))
            elif key not in _DROPPED_QUERY_KEYS:
                query.append((key, value))
        if not parts.hostname and not parts.path.strip("/"):
            raise DatabaseUrlError("DATABASE_URL names no PostgreSQL host or database")
        try:
            parts.port  # noqa: B018 (urllib checks the port only when asked)
        except ValueError:
            raise DatabaseUrlError("DATABASE_URL's port is not a number from 0 to 65535") from None
        return urlunsplit(("postgres", parts.netloc, parts.path, urlencode(query), ""))
    raise DatabaseUrlError(
        f"DATABASE_URL scheme {parts.scheme!r} is not supported (use sqlite:/// or postgresql://)"
    )


def _sqlite_normalize(*, url: str, base_dir: Path) -> str:
    # Split by hand: urlsplit folds "sqlite:///./x" and "sqlite:////abs" in ways that lose
    # the difference between relative and absolute paths.
    rest = url.split(":", 1)[1]
    if rest in {"", "//", "///", "//:memory:", "///:memory:", ":memory:"}:
        return "sqlite://:memory:"
    if not rest.startswith("//"):
        raise DatabaseUrlError("a SQLite DATABASE_URL looks like sqlite:///path/to/file.db")
    path_part = rest[2:]
    if path_part.startswith("/"):
        path_part = path_part[1:]  # sqlite:///x -> "x" (relative); sqlite:////x -> "/x"
    path_part = path_part.split("?", 1)[0]
    if path_part in {"", ":memory:"}:
        return "sqlite://:memory:"
    path = Path(path_part)
    if not path.is_absolute():
        path = (base_dir / path).resolve()
    return f"sqlite:///{path}"
