from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import OperationalError, connection, transaction
from django.db.models import QuerySet

from accounts.access import user_has_role
from accounts.models import User
from accounts.roles import Role
from catalog.models import ReportRun
from catalog.reports.definitions import REPORTS, report_definition_get
from catalog.reports.errors import report_timed_out
from catalog.reports.parameters import ReportParameters

# Sales figures for the people who sell and plan: support reads products only.
REPORT_ROLES = frozenset({Role.ADMIN, Role.MARKETING, Role.SALES})


def user_may_use_reports(*, user: User | AnonymousUser) -> bool:
    """Queue reports, read every run and download its CSV (a superuser holds every role)."""
    return user_has_role(user=user, roles=REPORT_ROLES)


def report_rows(
    *, report: str, parameters: ReportParameters, timeout_ms: int | None = None
) -> list[dict[str, Any]]:
    """Run a report under a statement timeout (PostgreSQL), so a runaway query ends cleanly."""
    definition = report_definition_get(name=report)
    limit_ms = settings.REPORT_STATEMENT_TIMEOUT_MS if timeout_ms is None else timeout_ms
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # SET LOCAL via set_config(..., true): both end with this transaction.
                    cursor.execute(
                        "SELECT set_config('statement_timeout', %s, true),"
                        " set_config('max_parallel_workers_per_gather', %s, true)",
                        [str(max(limit_ms, 0)), str(settings.REPORT_PARALLEL_WORKERS)],
                    )
            return definition.query(parameters=parameters)
    except OperationalError as exc:
        if "statement timeout" in str(exc):
            raise report_timed_out(limit_ms=limit_ms) from exc
        raise


def report_run_list(*, limit: int = 20) -> QuerySet[ReportRun]:
    return ReportRun.objects.select_related("requested_by").order_by("-queued_at")[:limit]


def report_run_get(*, report_run_id: int) -> ReportRun | None:
    return ReportRun.objects.filter(pk=report_run_id).first()


def report_run_table(*, run: ReportRun) -> list[list[Any]]:
    """The run's result rows as lists, in the report's column order (templates and CSV)."""
    keys = [key for key, _ in REPORTS[run.report].columns]
    return [[row.get(key) for key in keys] for row in run.result or []]
