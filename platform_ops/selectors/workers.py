"""The task workers' heartbeats, as the ops page and the health check read them."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from platform_ops.models import WorkerHeartbeat


def worker_heartbeat_list(*, limit: int = 20) -> QuerySet[WorkerHeartbeat]:
    return WorkerHeartbeat.objects.order_by("-last_seen_at")[:limit]


def worker_last_heartbeat_seconds() -> float | None:
    latest = WorkerHeartbeat.objects.order_by("-last_seen_at").values_list(
        "last_seen_at", flat=True
    )[:1]
    seen = next(iter(latest), None)
    return round((timezone.now() - seen).total_seconds(), 1) if seen else None
