"""The health check: can the site serve (database, schema, storage, static), how is the queue."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from platform_ops.selectors.task_results import task_queue_stats
from platform_ops.selectors.workers import worker_last_heartbeat_seconds

T = TypeVar("T")


def migrations_pending() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def storage_writable() -> bool:
    name = f"health/probe-{secrets.token_hex(8)}.txt"
    try:
        saved = default_storage.save(name, ContentFile(b"ok"))
        default_storage.delete(saved)
    except Exception:  # any storage backend error means "not writable"
        return False
    return True


def static_manifest_problem() -> str | None:
    """Why pages would lack their static files (None when they have them)."""
    storage: object = staticfiles_storage  # a lazy proxy; isinstance sees the real class
    if not isinstance(storage, ManifestFilesMixin):
        return None  # development: served from the source folders, no manifest
    # One stat per probe: a build that skipped collectstatic must never be routed to.
    manifest_storage = storage.manifest_storage  # Django sets it (to the storage itself)
    if manifest_storage is None or not manifest_storage.exists(storage.manifest_name):
        return "manifest missing: run python manage.py collectstatic --noinput"
    return None


def _cached_when_good(key: str, check: Callable[[], T], *, good: T) -> T:
    # This process's own memory, never the shared cache: storage is per machine (another
    # machine's "writable" says nothing about this disk), and a probe must not fail
    # because a cache server is down.
    local = caches["local"]
    if local.get(key) == good:
        return good
    result = check()
    if result == good:
        local.set(key, result, timeout=settings.HEALTH_CACHE_SECONDS)
    return result


def health_report() -> tuple[bool, dict[str, Any]]:
    """(healthy, details). Healthy means the site can serve: database, schema, storage, static."""
    report: dict[str, Any] = {}
    try:
        # The queue query doubles as the reachability check: one round trip fewer per probe.
        stats = task_queue_stats()
        if stats is None:  # the backend keeps no tasks in the database (TASKS_BACKEND=rq)
            connection.ensure_connection()
    except DatabaseError:
        report["database"] = "unreachable"
        report["status"] = "error"
        return False, report
    report["database"] = "ok"
    # Loading the migration graph and writing to storage cost tens of milliseconds, and a
    # probe may come every few seconds: a good answer is reused for HEALTH_CACHE_SECONDS.
    no_migrations: list[str] = []
    pending = _cached_when_good("health:migrations", migrations_pending, good=no_migrations)
    report["migrations"] = "ok" if not pending else f"{len(pending)} unapplied"
    writable = _cached_when_good("health:storage", storage_writable, good=True)
    report["storage"] = "ok" if writable else "not writable"
    static_problem = static_manifest_problem()
    report["static"] = static_problem or "ok"
    report["queue"] = (
        {
            "depth": stats.depth,
            "running": stats.running,
            "oldest_waiting_seconds": stats.oldest_waiting_seconds,
        }
        if stats is not None
        else {"status": f"unavailable with TASKS_BACKEND={settings.TASKS_BACKEND}"}
    )
    heartbeat_age = worker_last_heartbeat_seconds()
    report["worker"] = {
        "last_heartbeat_seconds": heartbeat_age,
        "status": (
            "none seen"
            if heartbeat_age is None
            else "ok"
            if heartbeat_age <= settings.TASK_WORKER_STALE_SECONDS
            else "stale"
        ),
    }
    # A missing worker delays queued work but the pages still serve: reported, not fatal.
    healthy = not pending and report["storage"] == "ok" and static_problem is None
    report["status"] = "ok" if healthy else "error"
    return healthy, report
