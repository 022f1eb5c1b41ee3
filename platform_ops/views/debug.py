"""Debug endpoints: a public heartbeat, and the database's details for operators."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.guards import operator_page_required
from platform_ops.selectors.database import database_info, table_row_counts


@never_cache
@require_GET
def debug_simple(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok", "time": timezone.now().isoformat()})


@never_cache
@require_GET
@operator_page_required
def debug_database(request: HttpRequest) -> JsonResponse:
    return JsonResponse(database_info())


@never_cache
@require_GET
@operator_page_required
def debug_database_data(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"database": database_info(), "tables": table_row_counts()})
