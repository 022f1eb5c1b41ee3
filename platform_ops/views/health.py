"""Probes: liveness for the platform, health for monitoring."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from platform_ops.selectors.health import health_report


@never_cache
@require_GET
async def liveness(request: HttpRequest) -> JsonResponse:
    """Cheap check for the platform's probe: the process answers; touches nothing else."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)
