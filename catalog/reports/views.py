"""The sales reports' pages: queue or run a report, poll a run, download its CSV.

For the admin, marketing and sales roles (`REPORT_ROLES`).
"""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.guards import roles_required
from accounts.models import User
from catalog.models import ReportRun, ReportStatus
from catalog.reports.definitions import REPORTS, report_form_parse
from catalog.reports.errors import ReportError
from catalog.reports.selectors import REPORT_ROLES, report_run_list, report_run_table
from catalog.reports.services import report_run_enqueue, report_run_inline
from core.http import HtmxHttpRequest, page_status


def _report_form_context(request: HttpRequest, **extra: object) -> dict[str, object]:
    return {
        "reports": REPORTS.values(),
        "runs": report_run_list(),
        "values": request.POST or request.GET,
        **extra,
    }


@require_http_methods(["GET", "POST"])
@roles_required(REPORT_ROLES)
def reports_page(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "catalog/reports.html", _report_form_context(request))
    try:
        definition, parameters = report_form_parse(raw=request.POST.dict())
        run = report_run_enqueue(
            report=definition.name, parameters=parameters, requested_by=_user_or_none(request)
        )
    except ReportError as exc:
        status = page_status(exc)
        if request.htmx:
            return render(request, "catalog/_report_error.html", {"error": exc}, status=status)
        context = _report_form_context(request, error=exc)
        return render(request, "catalog/reports.html", context, status=status)
    if request.htmx:
        return _report_run_partial(request, run)
    return redirect("reports:report_run", report_run_id=run.pk)


def _user_or_none(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _run_context(run: ReportRun) -> dict[str, object]:
    return {"run": run, "definition": REPORTS[run.report], "table": report_run_table(run=run)}


def _report_run_partial(request: HttpRequest, run: ReportRun) -> HttpResponse:
    return render(request, "catalog/_report_run.html", _run_context(run))


@never_cache
@require_GET
@roles_required(REPORT_ROLES)
def report_run_detail(request: HtmxHttpRequest, report_run_id: int) -> HttpResponse:
    run = get_object_or_404(ReportRun, pk=report_run_id)
    if request.htmx:
        return _report_run_partial(request, run)
    return render(
        request, "catalog/reports.html", _report_form_context(request, **_run_context(run))
    )


@require_GET
@roles_required(REPORT_ROLES)
def report_run_csv(request: HttpRequest, report_run_id: int) -> HttpResponse:
    run = get_object_or_404(ReportRun, pk=report_run_id, status=ReportStatus.SUCCEEDED)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{run.report}-{run.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow([heading for _, heading in REPORTS[run.report].columns])
    for row in report_run_table(run=run):
        writer.writerow([_csv_cell(value) for value in row])
    return response


def _csv_cell(value: object) -> object:
    # A cell starting with = + - @ is a formula to spreadsheets; a product name must not be.
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"}:
        return f"'{value}"
    return value


@require_GET
@roles_required(REPORT_ROLES)
def report_inline(request: HttpRequest) -> HttpResponse:
    """The same report run inside the request, for comparison with the queued version."""
    try:
        definition, parameters = report_form_parse(raw=request.GET.dict())
        run = report_run_inline(
            report=definition.name, parameters=parameters, requested_by=_user_or_none(request)
        )
    except ReportError as exc:
        context = _report_form_context(request, error=exc)
        return render(request, "catalog/reports.html", context, status=page_status(exc))
    return render(
        request, "catalog/reports.html", _report_form_context(request, **_run_context(run))
    )
