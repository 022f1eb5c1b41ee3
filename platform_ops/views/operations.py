"""Queued operations (superuser session + CSRF, or Bearer OPS_TOKEN): demo data, backups."""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from accounts.guards import operator_required
from core.http import api_error_response
from platform_ops.demo import demo_init_enqueue
from platform_ops.services.database_backup import DatabaseBackupError
from platform_ops.services.database_backup_remote import database_backup_enqueue
from platform_ops.services.file_backup import files_backup_enqueue, files_restore_enqueue


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
    return _accepted(demo_init_enqueue(reset=reset))


@require_POST
@operator_required
def backup_files(request: HttpRequest) -> JsonResponse:
    return _accepted(files_backup_enqueue())


@require_POST
@operator_required
def restore_files(request: HttpRequest) -> JsonResponse:
    return _accepted(files_restore_enqueue())


@require_POST
@operator_required
def backup_db(request: HttpRequest) -> JsonResponse:
    """Queue `backupdb --bucket` (for hosts without a shell); ``{"json": true}`` for JSON."""
    use_json = False
    if request.content_type == "application/json" and request.body:
        try:
            body = json.loads(request.body)
        except ValueError:
            return JsonResponse({"detail": "Body must be JSON."}, status=400)
        use_json = isinstance(body, dict) and body.get("json") is True
    try:
        return _accepted(database_backup_enqueue(use_json=use_json))
    except DatabaseBackupError as exc:
        return api_error_response(exc)
