from __future__ import annotations

from django.db import connection


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
