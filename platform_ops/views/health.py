"""Probes: liveness for the platform, health for monitoring.

fastopp_site.probes calls these before the host check, whatever the Host header says: they
must never read it (no request.get_host, no build_absolute_uri). HEAD is allowed because
some platforms probe with it.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from platform_ops.selectors.health import health_report


@never_cache
@require_safe
async def liveness(request: HttpRequest) -> JsonResponse:
    """Cheap check for the platform's probe: the process answers; touches nothing else."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)
