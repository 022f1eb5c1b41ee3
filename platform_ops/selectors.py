from __future__ import annotations

import platform as python_platform
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from core.tasks import TaskResultStatus
from platform_ops.models import ReportRun, WorkerHeartbeat

# Tasks on these queues belong to whoever holds the id; results of the others are staff-only.
PUBLIC_TASK_QUEUES = frozenset({"chat"})
SECRET_SETTING_NAMES = (
    "SECRET_KEY",
    "OPS_TOKEN",
    "OPENROUTER_API_KEY",
    "S3_ACCESS_KEY",
    "S3_SECRET_KEY",
    "BACKUP_S3_ACCESS_KEY",
    "BACKUP_S3_SECRET_KEY",
    "DATABASE_PASSWORD",
)

T = TypeVar("T")


def database_describe() -> str:
    """Engine, host and database name, for logs and ops pages; never the password."""
    settings_dict = connection.settings_dict
    vendor = connection.vendor
    if vendor == "sqlite":
        return f"sqlite {settings_dict['NAME']}"
    host = settings_dict.get("HOST") or "local socket"
    port = settings_dict.get("PORT") or ""
    where = f"{host}:{port}" if port else host
    return f"{vendor} {settings_dict.get('NAME')} on {where}"


# --- Tasks -------------------------------------------------------------------------


def task_result_get(*, task_id: str) -> DBTaskResult[..., Any] | None:
    try:
        parsed = uuid.UUID(task_id)
    except ValueError:
        # Not a UUID: no such task, rather than a server error.
        return None
    return DBTaskResult.objects.filter(pk=parsed).first()


def task_result_describe(*, task: DBTaskResult[..., Any], include_result: bool) -> dict[str, Any]:
    """The public shape of a task: status and times; the result only when allowed."""
    data: dict[str, Any] = {
        "id": str(task.pk),
        "task": task.task_path.rsplit(".", 1)[-1],
        "queue": task.queue_name,
        "status": task.status,
        "enqueued_at": task.enqueued_at,
        "started_at": task.started_at,
        "finished_at": task.finished_at,
        "attempts": len(task.worker_ids),
        "result": None,
        "error": None,
    }
    if not include_result:
        return data
    if task.status == TaskResultStatus.SUCCESSFUL:
        data["result"] = task.return_value
    elif task.status == TaskResultStatus.FAILED:
        # The class name only: messages and tracebacks can quote data (see the admin for them).
        name = task.exception_class_path.rsplit(".", 1)[-1] or "Error"
        data["error"] = f"The task failed ({name})."
    return data


def task_result_visible(*, task: DBTaskResult[..., Any], is_staff: bool) -> bool:
    return is_staff or task.queue_name in PUBLIC_TASK_QUEUES


def task_results_recent(*, limit: int = 20) -> QuerySet[DBTaskResult[..., Any]]:
    return DBTaskResult.objects.order_by("-enqueued_at")[:limit]


@dataclass
class QueueStats:
    depth: int
    oldest_waiting_seconds: float | None
    running: int


def task_queue_stats() -> QueueStats:
    # One query (health probes call this every few seconds); "ready" as django-tasks-db
    # defines it: waiting, and due now.
    due = Q(status=TaskResultStatus.READY) & (
        Q(run_after=get_date_max()) | Q(run_after__lte=timezone.now())
    )
    totals = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).aggregate(
        depth=Count("pk", filter=due),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        oldest=Min("enqueued_at", filter=due),
    )
    oldest: datetime | None = totals["oldest"]
    return QueueStats(
        depth=totals["depth"],
        oldest_waiting_seconds=(
            round((timezone.now() - oldest).total_seconds(), 1) if oldest else None
        ),
        running=totals["running"],
    )


def worker_heartbeat_list(*, limit: int = 20) -> QuerySet[WorkerHeartbeat]:
    return WorkerHeartbeat.objects.order_by("-last_seen_at")[:limit]


def worker_last_heartbeat_seconds() -> float | None:
    latest = WorkerHeartbeat.objects.order_by("-last_seen_at").values_list(
        "last_seen_at", flat=True
    )[:1]
    seen = next(iter(latest), None)
    return round((timezone.now() - seen).total_seconds(), 1) if seen else None


# --- Health ------------------------------------------------------------------------


def migrations_pending() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def storage_writable() -> bool:
    name = f"health/probe-{secrets.token_hex(8)}.txt"
    try:
        saved = default_storage.save(name, ContentFile(b"ok"))
        default_storage.delete(saved)
    except Exception:  # any storage backend error means "not writable"
        return False
    return True


def _cached_when_good(key: str, check: Callable[[], T], *, good: T) -> T:
    if cache.get(key) == good:
        return good
    result = check()
    if result == good:
        cache.set(key, result, timeout=settings.HEALTH_CACHE_SECONDS)
    return result


def health_report() -> tuple[bool, dict[str, Any]]:
    """(healthy, details). Healthy means the site can serve: database, schema, storage."""
    report: dict[str, Any] = {}
    try:
        # The queue query doubles as the reachability check: one round trip fewer per probe.
        stats = task_queue_stats()
    except DatabaseError:
        report["database"] = "unreachable"
        report["status"] = "error"
        return False, report
    report["database"] = "ok"
    # Loading the migration graph and writing to storage cost tens of milliseconds, and a
    # probe may come every few seconds: a good answer is reused for HEALTH_CACHE_SECONDS.
    no_migrations: list[str] = []
    pending = _cached_when_good("health:migrations", migrations_pending, good=no_migrations)
    report["migrations"] = "ok" if not pending else f"{len(pending)} unapplied"
    writable = _cached_when_good("health:storage", storage_writable, good=True)
    report["storage"] = "ok" if writable else "not writable"
    report["queue"] = {
        "depth": stats.depth,
        "running": stats.running,
        "oldest_waiting_seconds": stats.oldest_waiting_seconds,
    }
    heartbeat_age = worker_last_heartbeat_seconds()
    report["worker"] = {
        "last_heartbeat_seconds": heartbeat_age,
        "status": (
            "none seen"
            if heartbeat_age is None
            else "ok"
            if heartbeat_age <= settings.TASK_WORKER_STALE_SECONDS
            else "stale"
        ),
    }
    # A missing worker delays queued work but the pages still serve: reported, not fatal.
    healthy = not pending and report["storage"] == "ok"
    report["status"] = "ok" if healthy else "error"
    return healthy, report


# --- Debug and ops pages -----------------------------------------------------------


def database_info() -> dict[str, Any]:
    settings_dict = connection.settings_dict
    pending = migrations_pending()
    return {
        "vendor": connection.vendor,
        "host": settings_dict.get("HOST") or ("file" if connection.vendor == "sqlite" else ""),
        "port": str(settings_dict.get("PORT") or ""),
        "name": str(settings_dict.get("NAME")),
        "migrations": {"pending": pending, "up_to_date": not pending},
    }


def table_row_counts() -> dict[str, int]:
    tables = set(connection.introspection.table_names())
    counts: dict[str, int] = {}
    for model in apps.get_models():
        table = model._meta.db_table
        if table in tables and model._meta.managed:
            counts[table] = model._default_manager.count()
    return dict(sorted(counts.items()))


def _set_or_missing(value: object) -> str:
    return "set (hidden)" if value else "not set"


def config_redacted() -> list[tuple[str, str]]:
    """The effective configuration; every secret is shown only as set or not set."""
    storage_options = settings.STORAGES["default"].get("OPTIONS", {})
    return [
        ("PLATFORM", settings.PLATFORM),
        ("ENVIRONMENT", settings.ENVIRONMENT),
        ("DEBUG", str(settings.DEBUG)),
        ("MINIMAL_MODE", str(settings.MINIMAL_MODE)),
        ("ALLOWED_HOSTS", ", ".join(settings.ALLOWED_HOSTS)),
        ("DATABASE", database_describe()),
        ("DATABASE password", _set_or_missing(connection.settings_dict.get("PASSWORD"))),
        (
            "SECRET_KEY",
            "development default"
            if settings.SECRET_KEY.startswith("django-insecure")
            else _set_or_missing(settings.SECRET_KEY),
        ),
        ("STORAGE_TYPE", settings.STORAGE_TYPE),
        ("S3_BUCKET", str(storage_options.get("bucket_name") or "")),
        ("S3_ENDPOINT_URL", str(storage_options.get("endpoint_url") or "")),
        ("S3_ACCESS_KEY", _set_or_missing(storage_options.get("access_key"))),
        ("S3_SECRET_KEY", _set_or_missing(storage_options.get("secret_key"))),
        ("BACKUP_S3_BUCKET", settings.BACKUP_S3_BUCKET),
        ("BACKUP_S3_PREFIX", settings.BACKUP_S3_PREFIX),
        ("BACKUP_S3_SECRET_KEY", _set_or_missing(settings.BACKUP_S3_SECRET_KEY)),
        ("OPENROUTER_API_KEY", _set_or_missing(settings.OPENROUTER_API_KEY)),
        ("OPENROUTER_LLM_MODEL", settings.OPENROUTER_LLM_MODEL),
        ("OPS_TOKEN", _set_or_missing(settings.OPS_TOKEN)),
        ("TASK_WORKER_STALE_SECONDS", str(settings.TASK_WORKER_STALE_SECONDS)),
        ("TASK_MAX_ATTEMPTS", str(settings.TASK_MAX_ATTEMPTS)),
        ("REPORT_STATEMENT_TIMEOUT_MS", str(settings.REPORT_STATEMENT_TIMEOUT_MS)),
        ("REPORT_PARALLEL_WORKERS", str(settings.REPORT_PARALLEL_WORKERS)),
        ("Python", python_platform.python_version()),
    ]


# --- Sales reports -------------------------------------------------------------------


class ReportError(Exception):
    """A report could not run (bad parameters, or it hit the statement timeout)."""


@dataclass(frozen=True)
class ReportDefinition:
    name: str
    title: str
    columns: tuple[tuple[str, str], ...]  # (key, heading)


REPORTS = {
    "top_products": ReportDefinition(
        name="top_products",
        title="Top products by revenue, with customer demographics",
        columns=(
            ("product", "Product"),
            ("category", "Category"),
            ("units_sold", "Units sold"),
            ("revenue", "Revenue"),
            ("avg_customer_age", "Avg customer age"),
            ("unique_customers", "Unique customers"),
            ("first_order", "First order"),
            ("last_order", "Last order"),
        ),
    ),
    "monthly_revenue_by_region": ReportDefinition(
        name="monthly_revenue_by_region",
        title="Monthly revenue by region",
        columns=(
            ("month", "Month"),
            ("region", "Region"),
            ("orders", "Orders"),
            ("units_sold", "Units sold"),
            ("revenue", "Revenue"),
        ),
    ),
}


@dataclass(frozen=True)
class ReportParameters:
    start: date | None = None
    end: date | None = None  # inclusive
    limit: int = 20

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> ReportParameters:
        """Validate user input (query string, form or JSON); raises ReportError."""
        try:
            start = _date_or_none(raw.get("start"))
            end = _date_or_none(raw.get("end"))
            limit = int(raw.get("limit") or 20)
        except (TypeError, ValueError) as exc:
            raise ReportError("Dates are YYYY-MM-DD and limit is a whole number.") from exc
        if not 1 <= limit <= 1000:
            raise ReportError("Limit must be between 1 and 1000.")
        if start and end and start > end:
            raise ReportError("The start date is after the end date.")
        return cls(start=start, end=end, limit=limit)

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
            "limit": self.limit,
        }


def _date_or_none(value: object) -> date | None:
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _order_items_in_period(parameters: ReportParameters) -> QuerySet[Any]:
    from catalog.models import OrderItem, OrderStatus

    items = OrderItem.objects.filter(order__status=OrderStatus.PAID)
    if parameters.start:
        items = items.filter(order__ordered_at__date__gte=parameters.start)
    if parameters.end:
        items = items.filter(order__ordered_at__date__lte=parameters.end)
    return items


def _money(value: Decimal | float) -> str:
    # SQLite sums decimals as floats; two places make both databases print the same.
    return str(Decimal(str(value)).quantize(Decimal("0.01")))


def _revenue() -> Sum:
    return Sum(
        ExpressionWrapper(
            F("quantity") * F("unit_price"),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )
    )


def report_top_products(*, parameters: ReportParameters) -> list[dict[str, Any]]:
    rows = (
        _order_items_in_period(parameters)
        .values("product_id", "product__name", "product__category")
        .annotate(
            units_sold=Sum("quantity"),
            revenue=_revenue(),
            avg_customer_age=Avg("order__customer__age"),
            unique_customers=Count("order__customer_id", distinct=True),
            first_order=Min("order__ordered_at"),
            last_order=Max("order__ordered_at"),
        )
        .order_by("-revenue", "product_id")[: parameters.limit]
    )
    return [
        {
            "product": row["product__name"],
            "category": row["product__category"],
            "units_sold": row["units_sold"],
            "revenue": _money(row["revenue"]),
            "avg_customer_age": round(float(row["avg_customer_age"]), 1),
            "unique_customers": row["unique_customers"],
            "first_order": row["first_order"].date().isoformat(),
            "last_order": row["last_order"].date().isoformat(),
        }
        for row in rows
    ]


def report_monthly_revenue_by_region(*, parameters: ReportParameters) -> list[dict[str, Any]]:
    from catalog.models import Region

    labels = dict(Region.choices)
    rows = (
        _order_items_in_period(parameters)
        .annotate(month=TruncMonth("order__ordered_at"))
        .values("month", "order__customer__region")
        .annotate(
            orders=Count("order_id", distinct=True),
            units_sold=Sum("quantity"),
            revenue=_revenue(),
        )
        .order_by("month", "order__customer__region")
    )
    return [
        {
            "month": row["month"].strftime("%Y-%m"),
            "region": labels.get(row["order__customer__region"], row["order__customer__region"]),
            "orders": row["orders"],
            "units_sold": row["units_sold"],
            "revenue": _money(row["revenue"]),
        }
        for row in rows
    ]


_REPORT_QUERIES = {
    "top_products": report_top_products,
    "monthly_revenue_by_region": report_monthly_revenue_by_region,
}


def report_rows(
    *, report: str, parameters: ReportParameters, timeout_ms: int | None = None
) -> list[dict[str, Any]]:
    """Run a report under a statement timeout (PostgreSQL), so a runaway query ends cleanly."""
    query = _REPORT_QUERIES.get(report)
    if query is None:
        raise ReportError(f"Unknown report {report!r}.")
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
            return query(parameters=parameters)
    except OperationalError as exc:
        if "statement timeout" in str(exc):
            raise ReportError(
                f"The report took longer than {limit_ms / 1000:g}s and was stopped. "
                "Narrow the date range or raise REPORT_STATEMENT_TIMEOUT_MS."
            ) from exc
        raise


def report_run_list(*, limit: int = 20) -> QuerySet[ReportRun]:
    return ReportRun.objects.select_related("requested_by").order_by("-queued_at")[:limit]


def report_run_get(*, report_run_id: int) -> ReportRun | None:
    return ReportRun.objects.filter(pk=report_run_id).first()


def report_run_table(*, run: ReportRun) -> list[list[Any]]:
    """The run's result rows as lists, in the report's column order (templates and CSV)."""
    keys = [key for key, _ in REPORTS[run.report].columns]
    return [[row.get(key) for key in keys] for row in run.result or []]
