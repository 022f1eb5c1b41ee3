from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from platform_ops.models import WorkerHeartbeat
from platform_ops.services.workers import tasks_recover


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin[WorkerHeartbeat]):
    list_display = (
        "worker_id",
        "hostname",
        "pid",
        "queues",
        "started_at",
        "last_seen_at",
        "stopped_at",
    )
    search_fields = ("worker_id", "hostname")
    readonly_fields = (
        "worker_id",
        "hostname",
        "pid",
        "queues",
        "started_at",
        "last_seen_at",
        "stopped_at",
    )
    date_hierarchy = "last_seen_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


# django-tasks-db's admin is read-only; ours adds search and a recovery action.
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    search_fields = ("id", "task_path")
    actions = ["recover_stuck"]

    @admin.action(description="Recover tasks whose worker died (re-queue or fail)")
    def recover_stuck(
        self, request: HttpRequest, queryset: QuerySet[DBTaskResult[..., Any]]
    ) -> None:
        result = tasks_recover()
        self.message_user(
            request,
            f"{len(result.requeued)} re-queued, {len(result.failed)} failed.",
            messages.SUCCESS,
        )
