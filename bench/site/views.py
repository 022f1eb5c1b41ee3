"""Endpoints that exist only for `make bench` (BENCH_ENDPOINTS=true, never in production).

Each one is the "other side" of a comparison in docs/COMPARISON.md: the site's real views
are measured against what FastOpp's documents say Django would have to do instead.
"""

from __future__ import annotations

import json

from asgiref.sync import sync_to_async
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from bench.site.blocking_llm import llm_complete_blocking
from catalog.reports.errors import ReportError
from catalog.reports.parameters import ReportParameters
from catalog.reports.services import report_run_inline
from chat.llm.config import LLMConfig
from chat.llm.errors import LLMError
from chat.llm.messages import ChatMessage

MAX_SLEEP_SECONDS = 30.0


@csrf_exempt
@require_POST
def chat_blocking(request: HttpRequest) -> JsonResponse:
    """The LLM call through a synchronous client: the request's thread waits for the answer."""
    try:
        message = str(json.loads(request.body)["message"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": 'Send {"message": "..."}.'}, status=422)
    messages: list[ChatMessage] = [{"role": "user", "content": message}]
    try:
        answer = llm_complete_blocking(messages=messages, config=LLMConfig.from_settings())
    except LLMError as exc:
        return JsonResponse({"detail": exc.code.user_message, "code": exc.code.value}, status=502)
    return JsonResponse({"answer": answer})


@require_GET
async def report_async(request: HttpRequest, report: str) -> JsonResponse:
    """The inline report from an async view: the ORM work still runs in a thread."""
    try:
        parameters = ReportParameters.parse(request.GET.dict())
        run = await sync_to_async(report_run_inline)(
            report=report, parameters=parameters, requested_by=None
        )
    except ReportError as exc:
        return JsonResponse({"detail": str(exc)}, status=404)
    return JsonResponse(
        {"status": run.status, "row_count": run.row_count, "duration_ms": run.duration_ms}
    )


@require_GET
def sleep_query(request: HttpRequest) -> JsonResponse:
    """Hold a database connection for N seconds (the seed's "10 s query" on PostgreSQL)."""
    try:
        seconds = min(float(request.GET.get("seconds", "1")), MAX_SLEEP_SECONDS)
    except ValueError:
        return JsonResponse({"detail": "seconds must be a number"}, status=422)
    if connection.vendor != "postgresql":
        return JsonResponse({"detail": "pg_sleep needs PostgreSQL"}, status=501)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [seconds])
    return JsonResponse({"slept": seconds})
