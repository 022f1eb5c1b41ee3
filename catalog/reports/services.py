from __future__ import annotations

import logging
import time

from django.db import DatabaseError
from django.utils import timezone

from accounts.models import User
from catalog.models import ReportRun, ReportStatus
from catalog.reports.definitions import report_definition_get
from catalog.reports.errors import ReportError
from catalog.reports.parameters import ReportParameters
from catalog.reports.selectors import report_rows

logger = logging.getLogger(__name__)


def report_run_create(
    *, report: str, parameters: ReportParameters, requested_by: User | None
) -> ReportRun:
    definition = report_definition_get(name=report)
    return ReportRun.objects.create(
        report=definition.name, parameters=parameters.as_dict(), requested_by=requested_by
    )


def report_run_enqueue(
    *, report: str, parameters: ReportParameters, requested_by: User | None
) -> ReportRun:
    """Record the run and queue it on "reports"; the page polls the run for its result."""
    # The services <-> tasks pair: the task module imports this one at its top.
    from catalog.reports.tasks import report_run

    run = report_run_create(report=report, parameters=parameters, requested_by=requested_by)
    run.task_id = str(report_run.enqueue(report_run_id=run.pk).id)
    run.save(update_fields=["task_id"])
    return run


def report_run_execute(*, report_run_id: int) -> ReportRun:
    """Run a recorded report now (in the worker, or inline for the comparison view)."""
    run = ReportRun.objects.get(pk=report_run_id)
    run.status = ReportStatus.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])
    started = time.perf_counter()
    try:
        definition = report_definition_get(name=run.report)
        rows = report_rows(
            report=run.report, parameters=definition.parameters.parse(run.parameters)
        )
    except ReportError as exc:
        run.status, run.error = ReportStatus.FAILED, exc.message
    except DatabaseError as exc:
        # The driver's message can quote SQL and data; the class name is enough here.
        logger.exception("Report run %s failed", run.pk)
        run.status, run.error = ReportStatus.FAILED, f"Database error ({type(exc).__name__})."
    else:
        run.status, run.result, run.row_count = ReportStatus.SUCCEEDED, rows, len(rows)
    run.finished_at = timezone.now()
    run.duration_ms = int((time.perf_counter() - started) * 1000)
    # Only what this run set: a full save would write back the task_id it loaded, which
    # the enqueuing request may store after the task has started (a runner thread is quick).
    run.save(update_fields=["status", "result", "row_count", "error", "finished_at", "duration_ms"])
    return run


def report_run_inline(
    *, report: str, parameters: ReportParameters, requested_by: User | None
) -> ReportRun:
    run = report_run_create(report=report, parameters=parameters, requested_by=requested_by)
    return report_run_execute(report_run_id=run.pk)
