from __future__ import annotations

import csv
import hashlib
import io
import logging
import os
import random
import secrets
import shutil
import socket
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from accounts.services import demo_users_load
from core.tasks import TaskResultStatus
from platform_ops.models import LoginToken, ReportRun, ReportStatus, WorkerHeartbeat
from platform_ops.selectors import REPORTS, ReportError, ReportParameters, report_rows

logger = logging.getLogger(__name__)


@dataclass
class DemoLoadResult:
    """Counts per demo step, for the command's output and the init-demo task result."""

    steps: dict[str, dict[str, int]] = field(default_factory=dict)


def demo_load(*, reset: bool = False) -> DemoLoadResult:
    """Load every app's demo data. Safe to repeat: rows are matched, never duplicated.

    Without ``reset`` nothing a user added or changed is touched; with it the demo
    rows are put back as shipped.
    """
    result = DemoLoadResult()
    users = demo_users_load(reset=reset)
    result.steps["users"] = {"created": users.created, "reset": users.reset, "total": users.total}
    if settings.MINIMAL_MODE:
        return result
    # Imported here: in minimal mode the demo apps' data is never touched.
    from catalog.services import catalog_role_permissions_sync, products_demo_load
    from webinars.services import webinars_demo_load, webinars_role_permissions_sync

    catalog_role_permissions_sync()
    webinars_role_permissions_sync()
    result.steps["permissions"] = {"groups synced": 4}
    products = products_demo_load(reset=reset)
    result.steps["products"] = {
        "created": products.created,
        "reset": products.reset,
        "removed": products.removed,
        "total": products.total,
    }
    webinars = webinars_demo_load(reset=reset)
    result.steps["webinars"] = {
        "webinars created": webinars.webinars_created,
        "registrants created": webinars.registrants_created,
        "registrants reset": webinars.registrants_reset,
        "removed": webinars.removed,
        "photos": webinars.photos,
    }
    return result


# --- Queued operations ------------------------------------------------------------


def demo_init_enqueue(*, reset: bool = False) -> str:
    """Queue `demo_load` on the "ops" queue and return the task id for polling."""
    from platform_ops.tasks import demo_init

    return str(demo_init.enqueue(reset=reset).id)


def files_backup_enqueue() -> str:
    from platform_ops.tasks import files_backup

    return str(files_backup.enqueue().id)


def files_restore_enqueue() -> str:
    from platform_ops.tasks import files_restore

    return str(files_restore.enqueue().id)


# --- Worker heartbeats and stuck-task recovery --------------------------------------

WORKER_LOST_EXCEPTION = "platform_ops.services.WorkerLost"


class WorkerLost(Exception):
    """Recorded as a task's failure when its worker died more times than allowed."""


@dataclass
class RecoverResult:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def worker_heartbeat_beat(*, worker_id: str, pid: int | None, queues: str) -> None:
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(
        last_seen_at=now, pid=pid, stopped_at=None
    )
    if not updated:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            hostname=socket.gethostname()[:255],
            pid=pid,
            queues=queues[:255],
            started_at=now,
            last_seen_at=now,
        )


def worker_heartbeat_stop(*, worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(stopped_at=timezone.now())


def worker_heartbeats_prune(*, older_than: timedelta = timedelta(days=7)) -> int:
    deleted, _ = WorkerHeartbeat.objects.filter(
        last_seen_at__lt=timezone.now() - older_than
    ).delete()
    return deleted


def _task_recover(*, task: DBTaskResult[..., Any], reason: str, max_attempts: int) -> str:
    """Re-queue a task whose worker is gone, or fail it once it has used up its attempts.

    Each update is conditional on the row still being RUNNING, so a worker that finishes
    the task at the same moment wins and nothing is run twice because of this.
    """
    attempts = len(task.worker_ids)
    running = DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.RUNNING)
    if attempts >= max_attempts:
        running.update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            return_value=None,
            exception_class_path=WORKER_LOST_EXCEPTION,
            traceback=f"WorkerLost: {reason}; gave up after {attempts} attempts.",
        )
        return "failed"
    running.update(status=TaskResultStatus.READY, started_at=None)
    return "requeued"


def tasks_recover(
    *,
    stale_seconds: float | None = None,
    max_attempts: int | None = None,
    dead_worker_id: str | None = None,
) -> RecoverResult:
    """Find RUNNING tasks whose worker stopped sending heartbeats and recover them.

    ``dead_worker_id`` names a worker known to be dead (its supervisor saw it exit), so its
    tasks are recovered at once instead of after the stale period.
    """
    stale = timedelta(
        seconds=settings.TASK_WORKER_STALE_SECONDS if stale_seconds is None else stale_seconds
    )
    attempts = settings.TASK_MAX_ATTEMPTS if max_attempts is None else max_attempts
    cutoff = timezone.now() - stale
    alive = set(
        WorkerHeartbeat.objects.filter(last_seen_at__gte=cutoff, stopped_at__isnull=True)
        .values_list("worker_id", flat=True)
        .iterator()
    )
    result = RecoverResult()
    for task in DBTaskResult.objects.running().only("id", "worker_ids", "started_at"):
        worker_id = task.worker_ids[-1] if task.worker_ids else ""
        if worker_id == dead_worker_id:
            reason = f"worker {worker_id} exited while running the task"
        elif worker_id in alive or (task.started_at and task.started_at >= cutoff):
            # A task that started within the stale period gets the benefit of the doubt.
            continue
        else:
            reason = f"worker {worker_id or '?'} sent no heartbeat for {stale.seconds}s"
        outcome = _task_recover(task=task, reason=reason, max_attempts=attempts)
        getattr(result, outcome).append(str(task.pk))
        logger.warning("Task %s %s: %s", task.pk, outcome, reason)
    return result


# --- Emergency login ---------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login_token_create(*, user: User, minutes: int | None = None) -> str:
    """Make a one-time login token; only its hash is stored, so a database leak is no key."""
    token = secrets.token_urlsafe(32)
    lifetime = settings.EMERGENCY_LOGIN_MINUTES if minutes is None else minutes
    LoginToken.objects.create(
        user=user,
        token_hash=_token_hash(token),
        expires_at=timezone.now() + timedelta(minutes=lifetime),
    )
    return token


def login_token_consume(*, token: str) -> User | None:
    """Spend a token: the user when it is valid, unused and unexpired, else None."""
    with transaction.atomic():
        login_token = (
            LoginToken.objects.select_for_update()
            .select_related("user")
            .filter(token_hash=_token_hash(token), used_at__isnull=True)
            .first()
        )
        if login_token is None:
            return None
        login_token.used_at = timezone.now()
        login_token.save(update_fields=["used_at"])
        if login_token.expires_at <= login_token.used_at or not login_token.user.is_active:
            return None
        return login_token.user


# --- Database backup and restore ---------------------------------------------------


class DatabaseBackupError(Exception):
    """A backup or restore could not be made; the message is safe to print."""


def _backup_path_default(*, suffix: str) -> Path:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.BASE_DIR) / "backups" / f"db-{stamp}{suffix}"


def _pg_env() -> dict[str, str]:
    # The password goes through the environment, never the command line (visible in ps).
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args() -> list[str]:
    db = connection.settings_dict
    args = [f"--dbname={db['NAME']}"]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    return args


def _run_tool(args: list[str]) -> None:
    completed = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        detail = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        raise DatabaseBackupError(f"{Path(args[0]).name} failed: {detail}")


def database_backup(*, path: Path | None = None, use_json: bool = False) -> Path:
    """Copy the database to a file while the site runs; returns the file's path.

    SQLite uses its online backup API; PostgreSQL uses pg_dump's custom format when it is
    installed, and Django's JSON dump otherwise (or when ``use_json`` asks for it).
    """
    if connection.vendor == "sqlite":
        target = path or _backup_path_default(suffix=".sqlite3")
        target.parent.mkdir(parents=True, exist_ok=True)
        connection.ensure_connection()
        with sqlite3.connect(target) as destination:
            connection.connection.backup(destination)
        destination.close()
        return target
    if connection.vendor == "postgresql" and shutil.which("pg_dump") and not use_json:
        target = path or _backup_path_default(suffix=".dump")
        target.parent.mkdir(parents=True, exist_ok=True)
        _run_tool([shutil.which("pg_dump") or "pg_dump", "--format=custom", "--no-owner",
                   f"--file={target}", *_pg_args()])  # fmt: skip
        return target
    target = path or _backup_path_default(suffix=".json")
    target.parent.mkdir(parents=True, exist_ok=True)
    call_command(
        "dumpdata",
        natural_foreign=True,
        exclude=["contenttypes", "auth.permission", "sessions", "admin.logentry"],
        output=str(target),
        verbosity=0,
    )
    return target


def database_restore(*, path: Path) -> None:
    """Replace the database's contents with a backup made by `database_backup`."""
    if not path.is_file():
        raise DatabaseBackupError(f"no backup file at {path}")
    if path.suffix == ".json":
        call_command("flush", interactive=False, verbosity=0)
        call_command("loaddata", str(path), verbosity=0)
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as source:
            source.backup(connection.connection)
        source.close()
        return
    if connection.vendor == "postgresql":
        tool = shutil.which("pg_restore")
        if tool is None:
            raise DatabaseBackupError("pg_restore is not installed; restore a .json backup")
        # Our own connection must not hold locks on the tables pg_restore drops.
        connection.close()
        _run_tool([tool, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                   *_pg_args(), str(path)])  # fmt: skip
        return
    raise DatabaseBackupError(f"cannot restore a {path.suffix} file on {connection.vendor}")


# --- Sales data for the reports ----------------------------------------------------

SEED_PERIOD_START = datetime(2024, 1, 1, tzinfo=UTC)
SEED_PERIOD_DAYS = 731  # two years, so monthly reports have something to compare
SEED_CHUNK_ORDERS = 20_000
_REGION_WEIGHTS = {
    "north_america": 34,
    "europe": 28,
    "asia_pacific": 22,
    "latin_america": 10,
    "middle_east_africa": 6,
}
_FIRST_NAMES = [
    "Ana",
    "Ben",
    "Chen",
    "Dara",
    "Eli",
    "Fatima",
    "Goro",
    "Hana",
    "Ivan",
    "Jade",
    "Kofi",
    "Lena",
    "Mateo",
    "Nia",
    "Omar",
]
_LAST_NAMES = [
    "Adams",
    "Baker",
    "Costa",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Kim",
    "Lopez",
    "Nguyen",
    "Patel",
]


@dataclass
class SalesSeedResult:
    customers: int
    orders: int
    items: int
    seconds: float


def _table_next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def _copy_rows(*, table: str, columns: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
    """PostgreSQL's COPY: an order of magnitude faster than INSERTs for bulk seeding."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows)
    buffer.seek(0)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg2 cursor under Django's wrapper
        raw.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", buffer)


def _write_rows(
    *, model: type[models.Model], columns: tuple[str, ...], rows: list[tuple[object, ...]]
) -> None:
    if connection.vendor == "postgresql":
        _copy_rows(table=model._meta.db_table, columns=columns, rows=rows)
        return
    # The columns are attribute names too (customer_id...), so they work as model kwargs.
    model._default_manager.bulk_create(
        [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=2000
    )


def _sequences_reset(models_: list[type[models.Model]]) -> None:
    # Rows were written with explicit ids; the next INSERT must not collide with them.
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(statement)


def sales_seed(*, orders: int, seed: int = 1, reset: bool = False) -> SalesSeedResult:
    """Add ``orders`` orders (about 2.5 items each) and their customers, deterministically.

    The same seed on an empty sales table gives the same rows, so report numbers can be
    compared between runs, databases and machines.
    """
    from catalog.models import Customer, Order, OrderItem, Product
    from catalog.services import products_demo_load

    started = time.perf_counter()
    if reset:
        sales_data_delete()
    products = list(Product.objects.order_by("pk").values_list("pk", "price"))
    if not products:
        products_demo_load()
        products = list(Product.objects.order_by("pk").values_list("pk", "price"))
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    # Cheap products sell more often, as in a real shop.
    product_weights = [1 / float(price) ** 0.5 for _, price in products]
    regions, region_weights = list(_REGION_WEIGHTS), list(_REGION_WEIGHTS.values())

    customer_count = max(orders // 4, 1)
    first_customer = _table_next_id(Customer)
    first_order = _table_next_id(Order)
    next_item = _table_next_id(OrderItem)
    item_total = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Checking each row's foreign keys as it arrives is cheaper than queueing a
            # million deferred checks for COMMIT.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        customer_rows: list[tuple[object, ...]] = []
        for offset in range(customer_count):
            name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
            signup = SEED_PERIOD_START.date() + timedelta(days=rng.randrange(SEED_PERIOD_DAYS))
            customer_rows.append((
                first_customer + offset,
                name,
                f"customer{first_customer + offset}@example.com",
                min(90, max(18, int(rng.gauss(38, 12)))),
                rng.choices(regions, region_weights)[0],
                signup.isoformat(),
            ))  # fmt: skip
        _write_rows(
            model=Customer,
            columns=("id", "name", "email", "age", "region", "signup_date"),
            rows=customer_rows,
        )
        del customer_rows
        for chunk_start in range(0, orders, SEED_CHUNK_ORDERS):
            order_rows: list[tuple[object, ...]] = []
            item_rows: list[tuple[object, ...]] = []
            for order_id in range(
                first_order + chunk_start,
                first_order + min(orders, chunk_start + SEED_CHUNK_ORDERS),
            ):
                ordered_at = SEED_PERIOD_START + timedelta(
                    seconds=rng.randrange(SEED_PERIOD_DAYS * 86_400)
                )
                status = "refunded" if rng.random() < 0.04 else "paid"
                customer_id = first_customer + rng.randrange(customer_count)
                order_rows.append((order_id, customer_id, ordered_at.isoformat(), status))
                for product_index in rng.choices(
                    range(len(products)), product_weights, k=rng.choice((1, 1, 2, 3, 3, 4, 5))
                ):
                    product_id, price = products[product_index]
                    quantity = rng.choice((1, 1, 1, 2, 2, 3))
                    item_rows.append((next_item, order_id, product_id, quantity, str(price)))
                    next_item += 1
            _write_rows(
                model=Order, columns=("id", "customer_id", "ordered_at", "status"), rows=order_rows
            )
            _write_rows(
                model=OrderItem,
                columns=("id", "order_id", "product_id", "quantity", "unit_price"),
                rows=item_rows,
            )
            item_total += len(item_rows)
        _sequences_reset([Customer, Order, OrderItem])
    if connection.vendor == "postgresql":
        # Fresh statistics, or the planner guesses badly on the first report.
        with connection.cursor() as cursor:
            for model in (Customer, Order, OrderItem):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return SalesSeedResult(
        customers=customer_count,
        orders=orders,
        items=item_total,
        seconds=round(time.perf_counter() - started, 2),
    )


def sales_data_delete() -> None:
    from catalog.models import Customer, Order, OrderItem

    if connection.vendor == "postgresql":
        tables = ", ".join(
            connection.ops.quote_name(model._meta.db_table)
            for model in (OrderItem, Order, Customer)
        )
        with connection.cursor() as cursor:
            # Inside a transaction, deferred foreign-key checks would block the TRUNCATE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY")
        return
    OrderItem.objects.all().delete()
    Order.objects.all().delete()
    Customer.objects.all().delete()


# --- Report runs -------------------------------------------------------------------


def report_run_create(
    *, report: str, parameters: ReportParameters, requested_by: User | None
) -> ReportRun:
    if report not in REPORTS:
        raise ReportError(f"Unknown report {report!r}.")
    return ReportRun.objects.create(
        report=report, parameters=parameters.as_dict(), requested_by=requested_by
    )


def report_run_enqueue(
    *, report: str, parameters: ReportParameters, requested_by: User | None
) -> ReportRun:
    """Record the run and queue it on "reports"; the page polls the run for its result."""
    from platform_ops.tasks import report_run

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
        rows = report_rows(report=run.report, parameters=ReportParameters.parse(run.parameters))
    except ReportError as exc:
        run.status, run.error = ReportStatus.FAILED, str(exc)
    except DatabaseError as exc:
        # The driver's message can quote SQL and data; the class name is enough here.
        logger.exception("Report run %s failed", run.pk)
        run.status, run.error = ReportStatus.FAILED, f"Database error ({type(exc).__name__})."
    else:
        run.status, run.result, run.row_count = ReportStatus.SUCCEEDED, rows, len(rows)
    run.finished_at = timezone.now()
    run.duration_ms = int((time.perf_counter() - started) * 1000)
    run.save()
    return run


def report_run_inline(
    *, report: str, parameters: ReportParameters, requested_by: User | None
) -> ReportRun:
    run = report_run_create(report=report, parameters=parameters, requested_by=requested_by)
    return report_run_execute(report_run_id=run.pk)
