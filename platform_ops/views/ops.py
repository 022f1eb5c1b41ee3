"""The ops page: health, configuration, queue, workers and recent tasks.

For operators only (a superuser or the ops token): it lists every user's task ids.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.guards import operator_page_required
from platform_ops.selectors.config import config_redacted
from platform_ops.selectors.health import health_report
from platform_ops.selectors.task_results import task_queue_stats, task_results_recent
from platform_ops.selectors.workers import worker_heartbeat_list


@never_cache
@require_GET
@operator_page_required
def ops_page(request: HttpRequest) -> HttpResponse:
    healthy, health = health_report()
    return render(
        request,
        "platform_ops/ops.html",
        {
            "platform": settings.PLATFORM,
            "healthy": healthy,
            "health": health,
            "config": config_redacted(),
            "queue": task_queue_stats(),
            "tasks_backend": settings.TASKS_BACKEND,
            "workers": worker_heartbeat_list(),
            "tasks": task_results_recent(),
        },
    )
