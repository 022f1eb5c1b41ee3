from __future__ import annotations

import csv
import json

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.guards import operator_required, staff_required
from accounts.models import User
from core.http import HtmxHttpRequest
from platform_ops import selectors, services
from platform_ops.models import ReportRun, ReportStatus


@never_cache
@require_GET
async def liveness(request: HttpRequest) -> JsonResponse:
    """Cheap check for the platform's probe: the process answers; touches nothing else."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    healthy, report = selectors.health_report()
    return JsonResponse(report, status=200 if healthy else 503)


# --- Queued operations (superuser session + CSRF, or Bearer OPS_TOKEN) ----------------


def _accepted(task_id: str) -> JsonResponse:
    return JsonResponse({"task_id": task_id, "status_url": f"/api/tasks/{task_id}"}, status=202)


@require_POST
@operator_required
def init_demo(request: HttpRequest) -> JsonResponse:
    reset = False
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"detail": "Body must be JSON."}, status=400)
        # Only a literal true resets: "false", 1 or "yes" never wipe anything.
        reset = isinstance(body, dict) and body.get("reset") is True
    else:
        reset = request.POST.get("reset") == "true"
    return _accepted(services.demo_init_enqueue(reset=reset))


@require_POST
@operator_required
def backup_files(request: HttpRequest) -> JsonResponse:
    return _accepted(services.files_backup_enqueue())


@require_POST
@operator_required
def restore_files(request: HttpRequest) -> JsonResponse:
    return _accepted(services.files_restore_enqueue())


# --- Debug views ---------------------------------------------------------------------


@never_cache
@require_GET
def debug_simple(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok", "time": timezone.now().isoformat()})


@never_cache
@require_GET
@staff_required
def debug_database(request: HttpRequest) -> JsonResponse:
    return JsonResponse(selectors.database_info())


@never_cache
@require_GET
@staff_required
def debug_database_data(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {"database": selectors.database_info(), "tables": selectors.table_row_counts()}
    )


# --- Ops page and emergency login ------------------------------------------------------


@never_cache
@require_GET
@staff_required
def ops_page(request: HttpRequest) -> HttpResponse:
    healthy, health = selectors.health_report()
    return render(
        request,
        "platform_ops/ops.html",
        {
            "platform": settings.PLATFORM,
            "healthy": healthy,
            "health": health,
            "config": selectors.config_redacted(),
            "queue": selectors.task_queue_stats(),
            "workers": selectors.worker_heartbeat_list(),
            "tasks": selectors.task_results_recent(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def emergency_login(request: HttpRequest, token: str) -> HttpResponseBase:
    # GET only shows a button: link previewers fetch URLs and must not spend the token.
    if request.method == "GET":
        return render(request, "platform_ops/emergency_login.html", {"failed": False})
    user = services.login_token_consume(token=token)
    if user is None:
        return render(request, "platform_ops/emergency_login.html", {"failed": True}, status=403)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    # An emergency session is for fixing something now, not a standing login.
    request.session.set_expiry(60 * 60)
    return redirect("admin:index")


# --- Sales reports (staff) ---------------------------------------------------------------


def _report_form_context(request: HttpRequest, **extra: object) -> dict[str, object]:
    return {
        "reports": selectors.REPORTS.values(),
        "runs": selectors.report_run_list(),
        "values": request.POST or request.GET,
        **extra,
    }


@require_http_methods(["GET", "POST"])
@staff_required
def reports_page(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "platform_ops/reports.html", _report_form_context(request))
    try:
        parameters = selectors.ReportParameters.parse(request.POST.dict())
        run = services.report_run_enqueue(
            report=request.POST.get("report", ""),
            parameters=parameters,
            requested_by=_user_or_none(request),
        )
    except selectors.ReportError as exc:
        status = 400
        if request.htmx:
            return render(request, "platform_ops/_report_error.html", {"error": exc}, status=status)
        context = _report_form_context(request, error=exc)
        return render(request, "platform_ops/reports.html", context, status=status)
    if request.htmx:
        return _report_run_partial(request, run)
    return redirect("platform_ops:report_run", report_run_id=run.pk)


def _user_or_none(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _run_context(run: ReportRun) -> dict[str, object]:
    return {
        "run": run,
        "definition": selectors.REPORTS[run.report],
        "table": selectors.report_run_table(run=run),
    }


def _report_run_partial(request: HttpRequest, run: ReportRun) -> HttpResponse:
    return render(request, "platform_ops/_report_run.html", _run_context(run))


@never_cache
@require_GET
@staff_required
def report_run_detail(request: HtmxHttpRequest, report_run_id: int) -> HttpResponse:
    run = get_object_or_404(ReportRun, pk=report_run_id)
    if request.htmx:
        return _report_run_partial(request, run)
    return render(
        request,
        "platform_ops/reports.html",
        _report_form_context(request, **_run_context(run)),
    )


@require_GET
@staff_required
def report_run_csv(request: HttpRequest, report_run_id: int) -> HttpResponse:
    run = get_object_or_404(ReportRun, pk=report_run_id, status=ReportStatus.SUCCEEDED)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{run.report}-{run.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow([heading for _, heading in selectors.REPORTS[run.report].columns])
    for row in selectors.report_run_table(run=run):
        writer.writerow([_csv_cell(value) for value in row])
    return response


def _csv_cell(value: object) -> object:
    # A cell starting with = + - @ is a formula to spreadsheets; a product name must not be.
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"}:
        return f"'{value}"
    return value


@require_GET
@staff_required
def report_inline(request: HttpRequest) -> HttpResponse:
    """The same report run inside the request, for comparison with the queued version."""
    try:
        parameters = selectors.ReportParameters.parse(request.GET.dict())
        run = services.report_run_inline(
            report=request.GET.get("report", ""),
            parameters=parameters,
            requested_by=_user_or_none(request),
        )
    except selectors.ReportError as exc:
        context = _report_form_context(request, error=exc)
        return render(request, "platform_ops/reports.html", context, status=400)
    return render(
        request,
        "platform_ops/reports.html",
        _report_form_context(request, **_run_context(run)),
    )
