"""Background tasks of the ops app; each one only calls a service."""

from __future__ import annotations

from typing import Any

from core.tasks import task


@task(queue_name="ops")
def demo_init(*, reset: bool = False) -> dict[str, Any]:
    from platform_ops.services import demo_load

    return {"steps": demo_load(reset=reset).steps}


@task(queue_name="ops")
def files_backup() -> dict[str, Any]:
    from platform_ops.file_backup import files_backup_run

    return files_backup_run().as_dict()


@task(queue_name="ops")
def files_restore() -> dict[str, Any]:
    from platform_ops.file_backup import files_restore_run

    return files_restore_run().as_dict()


@task(queue_name="reports")
def report_run(*, report_run_id: int) -> dict[str, Any]:
    from platform_ops.services import report_run_execute

    run = report_run_execute(report_run_id=report_run_id)
    return {"report_run_id": run.pk, "status": run.status, "row_count": run.row_count}
