"""The reports' JSON endpoints (staff): run inline, queue, poll."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from accounts.guards import api_auth
from accounts.models import User
from catalog.models import ReportRun
from catalog.reports.definitions import report_definition_get
from catalog.reports.selectors import report_run_get, user_may_use_reports
from catalog.reports.services import report_run_enqueue, report_run_inline
from core import limits
from core.errors import AppError, ErrorKind
from core.schemas import api_responses

router = Router(tags=["reports"])


class ReportRunOut(Schema):
    id: int
    report: str
    parameters: dict[str, Any]
    status: str
    task_id: str
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: int | None
    row_count: int | None
    rows: list[dict[str, Any]] | None = Field(None, alias="result")
    error: str


class ReportParametersIn(limits.InputSchema):
    # The range of limit is ReportParameters.parse's (its report_invalid code is the API's).
    start: date | None = None
    end: date | None = None
    limit: int = 20


ReportName = Annotated[str, limits.text(ReportRun, "report")]
ReportRunId = Annotated[int, limits.primary_key(ReportRun)]


def _reporter(request: HttpRequest) -> User:
    user = request.user
    if not (isinstance(user, User) and user_may_use_reports(user=user)):
        raise AppError(
            "Reports are for the admin, marketing and sales roles.",
            kind=ErrorKind.FORBIDDEN,
            code="forbidden",
        )
    return user


@router.get(
    "/reports/{report}",
    response=api_responses({200: ReportRunOut}, params=True, auth=True, errors=[404]),
    auth=api_auth,
    url_name="report_inline",
)
def report_inline(
    request: HttpRequest, report: ReportName, params: Query[ReportParametersIn]
) -> ReportRun:
    """Run a report inside the request (the synchronous side of the comparison)."""
    user = _reporter(request)
    definition = report_definition_get(name=report)
    return report_run_inline(
        report=definition.name,
        parameters=definition.parameters.parse(params.model_dump()),
        requested_by=user,
    )


@router.post(
    "/reports/{report}/runs",
    response=api_responses({202: ReportRunOut}, body=True, params=True, auth=True, errors=[404]),
    auth=api_auth,
    url_name="report_enqueue",
)
def report_enqueue(
    request: HttpRequest, report: ReportName, payload: ReportParametersIn
) -> Status[ReportRun]:
    """Queue a report for the worker; poll GET /api/reports/runs/{id} for the rows."""
    user = _reporter(request)
    definition = report_definition_get(name=report)
    run = report_run_enqueue(
        report=definition.name,
        parameters=definition.parameters.parse(payload.model_dump()),
        requested_by=user,
    )
    return Status(202, run)


@router.get(
    "/reports/runs/{report_run_id}",
    response=api_responses({200: ReportRunOut}, params=True, auth=True, errors=[404]),
    auth=api_auth,
)
def report_run_detail(request: HttpRequest, report_run_id: ReportRunId) -> ReportRun:
    _reporter(request)
    run = report_run_get(report_run_id=report_run_id)
    if run is None:
        raise AppError("No such report run.", kind=ErrorKind.NOT_FOUND, code="not_found")
    return run
