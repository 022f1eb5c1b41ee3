"""What the site's database is and holds, for logs, the ops page and the debug views."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import connection

from platform_ops.selectors.health import migrations_pending


def database_describe() -> str:
    """Engine, host and database name, for logs and ops pages; never the password."""
    settings_dict = connection.settings_dict
    vendor = connection.vendor
    if vendor == "sqlite":
        return f"sqlite {settings_dict['NAME']}"
    host = settings_dict.get("HOST") or "local socket"
    port = settings_dict.get("PORT") or ""
    where = f"{host}:{port}" if port else host
    return f"{vendor} {settings_dict.get('NAME')} on {where}"


def database_info() -> dict[str, Any]:
    settings_dict = connection.settings_dict
    pending = migrations_pending()
    return {
        "vendor": connection.vendor,
        "host": settings_dict.get("HOST") or ("file" if connection.vendor == "sqlite" else ""),
        "port": str(settings_dict.get("PORT") or ""),
        "name": str(settings_dict.get("NAME")),
        "migrations": {"pending": pending, "up_to_date": not pending},
    }


def table_row_counts() -> dict[str, int]:
    tables = set(connection.introspection.table_names())
    counts: dict[str, int] = {}
    for model in apps.get_models():
        table = model._meta.db_table
        if table in tables and model._meta.managed:
            counts[table] = model._default_manager.count()
    return dict(sorted(counts.items()))
