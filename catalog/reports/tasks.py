"""The reports' background task; it only calls the service."""

from __future__ import annotations

from typing import Any

from catalog.reports.services import report_run_execute
from core.tasks import task


@task(queue_name="reports")
def report_run(*, report_run_id: int) -> dict[str, Any]:
    run = report_run_execute(report_run_id=report_run_id)
    return {"report_run_id": run.pk, "status": run.status, "row_count": run.row_count}
