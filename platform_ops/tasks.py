"""Background tasks of the ops app; each one only calls a service."""

from __future__ import annotations

from typing import Any

from core.tasks import task
from platform_ops.demo import demo_load
from platform_ops.services.database_backup_remote import database_backup_upload
from platform_ops.services.file_backup import files_backup_run, files_restore_run


@task(queue_name="ops")
def demo_init(*, reset: bool = False) -> dict[str, Any]:
    result = demo_load(reset=reset)
    return {"steps": result.steps, "published_passwords": result.published_passwords}


@task(queue_name="ops")
def files_backup() -> dict[str, Any]:
    return files_backup_run().as_dict()


@task(queue_name="ops")
def files_restore() -> dict[str, Any]:
    return files_restore_run().as_dict()


@task(queue_name="ops")
def database_backup(*, use_json: bool = False) -> dict[str, Any]:
    return database_backup_upload(use_json=use_json).as_dict()
