from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from accounts.access import caller_resolve, user_is_staff
from accounts.guards import api_auth
from accounts.models import User
from platform_ops import selectors, services
from platform_ops.models import ReportRun
from platform_ops.selectors import ReportError, ReportParameters

router = Router(tags=["platform_ops"])


class TaskOut(Schema):
    id: str
    task: str
    queue: str
    status: str
    enqueued_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    attempts: int
    result: Any = None
    error: str | None = None


@router.get("/tasks/{task_id}", response=TaskOut, url_name="task_detail")
def task_detail(request: HttpRequest, task_id: str) -> dict[str, Any]:
    """Status of a queued task. The id is the capability for chat tasks; other results are
    shown to staff (or the ops token) only."""
    task = selectors.task_result_get(task_id=task_id)
    if task is None:
        raise HttpError(404, "No such task.")
    caller = caller_resolve(request)
    is_staff = caller.may_operate or (caller.user is not None and user_is_staff(user=caller.user))
    return selectors.task_result_describe(
        task=task, include_result=selectors.task_result_visible(task=task, is_staff=is_staff)
    )


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


class ReportParametersIn(Schema):
    start: date | None = None
    end: date | None = None
    limit: int = 20


def _staff(request: HttpRequest) -> User:
    user = request.user
    if not (isinstance(user, User) and user_is_staff(user=user)):
        raise HttpError(403, "Staff only.")
    return user


def _parameters(payload: ReportParametersIn) -> ReportParameters:
    try:
        return ReportParameters.parse(payload.dict())
    except ReportError as exc:
        raise HttpError(422, str(exc)) from exc


@router.get("/reports/{report}", response=ReportRunOut, auth=api_auth, url_name="report_inline")
def report_inline(
    request: HttpRequest, report: str, params: Query[ReportParametersIn]
) -> ReportRun:
    """Run a report inside the request (the synchronous side of the comparison)."""
    user = _staff(request)
    try:
        return services.report_run_inline(
            report=report, parameters=_parameters(params), requested_by=user
        )
    except ReportError as exc:
        raise HttpError(404, str(exc)) from exc


@router.post(
    "/reports/{report}/runs",
    response={202: ReportRunOut},
    auth=api_auth,
    url_name="report_enqueue",
)
def report_enqueue(
    request: HttpRequest, report: str, payload: ReportParametersIn
) -> Status[ReportRun]:
    """Queue a report for the worker; poll GET /api/reports/runs/{id} for the rows."""
    user = _staff(request)
    try:
        run = services.report_run_enqueue(
            report=report, parameters=_parameters(payload), requested_by=user
        )
    except ReportError as exc:
        raise HttpError(404, str(exc)) from exc
    return Status(202, run)


@router.get("/reports/runs/{report_run_id}", response=ReportRunOut, auth=api_auth)
def report_run_detail(request: HttpRequest, report_run_id: int) -> ReportRun:
    _staff(request)
    run = selectors.report_run_get(report_run_id=report_run_id)
    if run is None:
        raise HttpError(404, "No such report run.")
    return run
