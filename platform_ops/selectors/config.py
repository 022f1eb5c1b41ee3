"""The effective configuration for the ops page, with every secret reduced to set or not set."""

from __future__ import annotations

import platform as python_platform
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection

from platform_ops.selectors.database import database_describe


def _set_or_missing(value: object) -> str:
    return "set (hidden)" if value else "not set"


def _cache_describe() -> tuple[str, str]:
    """(where the shared cache is, whether its URL holds a password); never the password."""
    config = settings.CACHES["default"]
    backend = str(config["BACKEND"]).rsplit(".", 1)[-1]
    if backend == "LocMemCache":
        return "local memory (one per process; CACHE_URL unset)", "not set"
    location = config.get("LOCATION", "")
    locations = location if isinstance(location, list) else [location]
    parts = [urlsplit(str(item)) for item in locations]
    servers = ", ".join(
        f"{part.scheme}://{part.hostname}:{part.port or 6379}{part.path}"
        for part in parts
        if part.hostname
    )
    return f"{backend} {servers}".strip(), _set_or_missing(any(part.password for part in parts))


def config_redacted() -> list[tuple[str, str]]:
    """The effective configuration; every secret is shown only as set or not set."""
    storage_options = settings.STORAGES["default"].get("OPTIONS", {})
    cache_where, cache_password = _cache_describe()
    return [
        ("PLATFORM", settings.PLATFORM),
        ("ENVIRONMENT", settings.ENVIRONMENT),
        ("DEBUG", str(settings.DEBUG)),
        ("MINIMAL_MODE", str(settings.MINIMAL_MODE)),
        ("ALLOWED_HOSTS", ", ".join(settings.ALLOWED_HOSTS)),
        ("DATABASE", database_describe()),
        ("DATABASE password", _set_or_missing(connection.settings_dict.get("PASSWORD"))),
        (
            "SECRET_KEY",
            "development default"
            if settings.SECRET_KEY.startswith("django-insecure")
            else _set_or_missing(settings.SECRET_KEY),
        ),
        ("CACHE", cache_where),
        ("CACHE password", cache_password),
        ("STORAGE_TYPE", settings.STORAGE_TYPE),
        ("S3_BUCKET", str(storage_options.get("bucket_name") or "")),
        ("S3_ENDPOINT_URL", str(storage_options.get("endpoint_url") or "")),
        ("S3_ACCESS_KEY", _set_or_missing(storage_options.get("access_key"))),
        ("S3_SECRET_KEY", _set_or_missing(storage_options.get("secret_key"))),
        ("BACKUP_S3_BUCKET", settings.BACKUP_S3_BUCKET),
        ("BACKUP_S3_PREFIX", settings.BACKUP_S3_PREFIX),
        ("BACKUP_S3_SECRET_KEY", _set_or_missing(settings.BACKUP_S3_SECRET_KEY)),
        ("OPENROUTER_API_KEY", _set_or_missing(settings.OPENROUTER_API_KEY)),
        ("OPENROUTER_LLM_MODEL", settings.OPENROUTER_LLM_MODEL),
        ("OPS_TOKEN", _set_or_missing(settings.OPS_TOKEN)),
        ("EMAIL", f"{settings.EMAIL_BACKEND.rsplit('.', 2)[-2]} {settings.EMAIL_HOST}"),
        ("EMAIL password", _set_or_missing(settings.EMAIL_HOST_PASSWORD)),
        ("DEMO_PASSWORDS", str(settings.DEMO_PASSWORDS)),
        (
            "Sign-in lockout",
            f"{settings.LOGIN_FAILURES_PER_EMAIL_AND_IP} per email and address, "
            f"{settings.LOGIN_FAILURES_PER_IP} per address, {settings.LOGIN_LOCKOUT_MINUTES} min",
        ),
        ("TASKS_BACKEND", settings.TASKS_BACKEND),
        ("TASK_WORKER_STALE_SECONDS", str(settings.TASK_WORKER_STALE_SECONDS)),
        ("TASK_MAX_ATTEMPTS", str(settings.TASK_MAX_ATTEMPTS)),
        ("REPORT_STATEMENT_TIMEOUT_MS", str(settings.REPORT_STATEMENT_TIMEOUT_MS)),
        ("REPORT_PARALLEL_WORKERS", str(settings.REPORT_PARALLEL_WORKERS)),
        ("Python", python_platform.python_version()),
    ]
