from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from platform_ops import services
from platform_ops.models import LoginToken, ReportRun, WorkerHeartbeat


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


@admin.register(LoginToken)
class LoginTokenAdmin(admin.ModelAdmin[LoginToken]):
    list_display = ("user", "created_at", "expires_at", "used_at")
    list_select_related = ("user",)
    search_fields = ("user__email",)
    # The hash is useless to a reader and the token itself is never stored.
    exclude = ("token_hash",)
    readonly_fields = ("user", "created_at", "expires_at", "used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin[ReportRun]):
    list_display = (
        "id",
        "report",
        "status",
        "requested_by",
        "queued_at",
        "duration_ms",
        "row_count",
    )
    list_filter = ("report", "status")
    list_select_related = ("requested_by",)
    readonly_fields = (
        "report", "parameters", "status", "requested_by", "task_id", "queued_at",
        "started_at", "finished_at", "duration_ms", "row_count", "result", "error",
    )  # fmt: skip

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
        result = services.tasks_recover()
        self.message_user(
            request,
            f"{len(result.requeued)} re-queued, {len(result.failed)} failed.",
            messages.SUCCESS,
        )
