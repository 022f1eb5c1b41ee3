"""The scenarios S1-S4 of docs/COMPARISON.md. Each returns plain dicts for the report."""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench import load
from bench.stack import Database, DatabaseKind, Server, running

ProgressFn = Callable[[str], None]


@dataclass(frozen=True)
class Plan:
    """How much to run: `standard` for `make bench`, `quick` for the smoke run."""

    name: str
    runs: int
    fanout_levels: tuple[int, ...]
    blocking_levels: tuple[int, ...]
    complete_levels: tuple[int, ...]
    queued_levels: tuple[int, ...]
    llm_latency: float
    endpoints: tuple[str, ...]
    page_concurrency: tuple[int, ...]
    page_seconds: float
    page_workers: tuple[int, ...]
    sales_orders: int
    concurrent_reports: int
    pool_users: int
    pool_query_seconds: float
    probe_cap_seconds: float = 15.0
    databases: tuple[str, ...] = field(default=("sqlite", "postgres", "postgres-pool"))
    with_runserver: bool = True


STANDARD = Plan(
    name="standard",
    runs=3,
    fanout_levels=(1, 50, 200, 500),
    blocking_levels=(1, 50, 200, 500),
    complete_levels=(1, 200),
    queued_levels=(1, 3),
    llm_latency=2.0,
    endpoints=("/", "/database-demo/", "/api/products", "/api/webinar-attendees"),
    page_concurrency=(1, 10, 50),
    page_seconds=0.5,
    page_workers=(1, 2),
    sales_orders=400_000,  # about 1M order items
    concurrent_reports=10,
    pool_users=100,
    pool_query_seconds=10.0,
)

QUICK = Plan(
    name="quick",
    runs=1,
    fanout_levels=(1, 20),
    blocking_levels=(1, 20),
    complete_levels=(20,),
    queued_levels=(1,),
    llm_latency=0.5,
    endpoints=("/", "/api/products"),
    page_concurrency=(1, 10),
    page_seconds=0.5,
    page_workers=(1,),
    sales_orders=2_000,
    concurrent_reports=3,
    pool_users=10,
    pool_query_seconds=1.0,
    databases=("sqlite", "postgres"),
)


# The test suite runs this one, so that the harness cannot rot unnoticed.
TINY = Plan(
    name="tiny",
    runs=1,
    fanout_levels=(1, 5),
    blocking_levels=(1, 5),
    complete_levels=(5,),
    queued_levels=(1,),
    llm_latency=0.2,
    endpoints=("/", "/api/products"),
    page_concurrency=(2,),
    page_seconds=0.3,
    page_workers=(1,),
    sales_orders=0,
    concurrent_reports=2,
    pool_users=4,
    pool_query_seconds=0.5,
    databases=("sqlite",),
    with_runserver=False,
)


def _min_median(values: list[float]) -> dict[str, float]:
    return {"min": round(min(values), 4), "median": round(statistics.median(values), 4)}


# --- S1: LLM fan-out -----------------------------------------------------------------


def s1_fanout(plan: Plan, database: Database, progress: ProgressFn) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    memory: dict[str, float] = {}
    with running(database=database, llm_latency=plan.llm_latency, task_worker=True) as app:
        memory["idle_worker_mb"] = round(app.memory_mb(), 1)
        modes = [
            ("upstream", plan.fanout_levels),
            ("stream", plan.fanout_levels),
            ("complete", plan.complete_levels),
            ("blocking", plan.blocking_levels),
            ("queued", plan.queued_levels),
        ]
        for mode, levels in modes:
            for level in levels:
                runs = []
                for _ in range(plan.runs):
                    base = app.llm_url if mode == "upstream" else app.url
                    result = asyncio.run(
                        load.fan_out(
                            base,
                            mode=mode,
                            concurrency=level,
                            token=app.token,
                            limit_seconds=max(60.0, level * plan.llm_latency * 1.5),
                            memory_probe=app.memory_mb,
                        )
                    )
                    runs.append(result.summary())
                rows.append(_fanout_row(mode, level, runs))
                progress(f"S1 {mode:8} x{level:<4} wall {rows[-1]['wall_s']['median']:.2f} s")
    return {"server": "gunicorn, 1 uvicorn worker, SQLite", "rows": rows, "memory": memory}


def _fanout_row(mode: str, level: int, runs: list[dict[str, Any]]) -> dict[str, Any]:
    def numbers(key: str) -> dict[str, float] | None:
        values = [run[key] for run in runs if run[key] is not None]
        return _min_median(values) if values else None

    return {
        "mode": mode,
        "concurrency": level,
        "completed": min(run["completed"] for run in runs),
        "errors": max(run["errors"] for run in runs),
        "error_kinds": runs[-1]["error_kinds"],
        "wall_s": numbers("wall_s"),
        "ttft_p50_s": numbers("ttft_p50_s"),
        "ttft_p99_s": numbers("ttft_p99_s"),
        "total_p99_s": numbers("total_p99_s"),
        "peak_memory_mb": max(run["peak_memory_mb"] for run in runs),
    }


# --- S2: pages and API --------------------------------------------------------------


def s2_pages(plan: Plan, databases: dict[str, Database], progress: ProgressFn) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    starts: list[dict[str, Any]] = []
    # The pooled driver is compared at one worker; the matrix is SQLite and psycopg2.
    configs: list[tuple[str, Server, int]] = [
        (kind, "gunicorn", workers)
        for kind in plan.databases
        if kind in databases
        for workers in (plan.page_workers if kind != "postgres-pool" else plan.page_workers[:1])
    ]
    if plan.with_runserver:
        configs.append(("sqlite", "runserver", 1))
    for kind, server, workers in configs:
        with running(database=databases[kind], server=server, workers=workers) as app:
            starts.append(
                {
                    "database": kind,
                    "server": server,
                    "workers": workers,
                    "cold_start_s": round(app.cold_start_s, 2),
                    "idle_memory_mb": round(app.memory_mb(), 1),
                }
            )
            for path in plan.endpoints:
                for concurrency in plan.page_concurrency:
                    # Unmeasured warm-up first: imports, templates, caches, connections.
                    warm_up = min(0.1, plan.page_seconds)
                    asyncio.run(
                        load.closed_loop(app.url, path, concurrency=concurrency, seconds=warm_up)
                    )
                    runs = [
                        asyncio.run(
                            load.closed_loop(
                                app.url, path, concurrency=concurrency, seconds=plan.page_seconds
                            )
                        ).summary()
                        for _ in range(plan.runs)
                    ]
                    rows.append(
                        {
                            "database": kind,
                            "server": server,
                            "workers": workers,
                            "path": path,
                            "concurrency": concurrency,
                            "rps": _min_median([run["rps"] for run in runs]),
                            "p50_ms": _min_median([run["p50_ms"] for run in runs]),
                            "p99_ms": _min_median([run["p99_ms"] for run in runs]),
                            "errors": max(run["errors"] for run in runs),
                        }
                    )
                    progress(
                        f"S2 {kind:13} {server}x{workers} {path:24} c={concurrency:<3} "
                        f"{rows[-1]['rps']['median']:7.0f} rps"
                    )
    return {"rows": rows, "starts": starts}


# --- S3: long queries ---------------------------------------------------------------


async def _report_via_worker(client: httpx.AsyncClient, report: str) -> float:
    started = time.perf_counter()
    run = (await client.post(f"/api/reports/{report}/runs", json={})).json()
    while True:
        await asyncio.sleep(0.1)
        try:
            status = (await client.get(f"/api/reports/runs/{run['id']}")).json()["status"]
        except httpx.TransportError:
            continue  # a kept-alive connection the server had just closed: poll again
        if status in {"succeeded", "failed"}:
            if status == "failed":
                raise RuntimeError("report failed in the worker")
            return time.perf_counter() - started


async def _report_once(client: httpx.AsyncClient, how: str, report: str) -> float:
    if how == "worker":
        return await _report_via_worker(client, report)
    path = f"/api/reports/{report}" if how == "sync view" else f"/bench/reports/{report}"
    started = time.perf_counter()
    response = await client.get(path, timeout=300)
    response.raise_for_status()
    return time.perf_counter() - started


async def _quick_requests_during(
    url: str, work: Callable[[], Any], seconds_cap: float, quick_path: str
) -> dict[str, Any]:
    """p99 of /health and of a quick page (one client each) while ``work`` runs."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        for path in ("/health", quick_path):
            await client.get(path)  # warm: the first request loads what later ones reuse
    stop = asyncio.Event()
    probes = [
        asyncio.create_task(
            load.closed_loop(url, path, concurrency=1, seconds=seconds_cap, stop=stop)
        )
        for path in ("/health", quick_path)
    ]
    started = time.perf_counter()
    await work()
    elapsed = time.perf_counter() - started
    stop.set()
    health, quick = [(await probe).summary() for probe in probes]
    return {"work_s": round(elapsed, 2), "health": health, "quick_path": quick_path, "quick": quick}


# How the site connects to PostgreSQL, for each prepared database kind.
S3_CONNECTIONS = {"postgres": "psycopg2", "postgres-pool": "psycopg 3 pool"}


def s3_long_queries(
    plan: Plan, databases: dict[str, Database], progress: ProgressFn
) -> dict[str, Any]:
    """Needs databases["postgres"]; also uses "postgres-pool" when it was prepared."""
    database = databases["postgres"]
    headers = {"Authorization": f"Bearer {database.token}"}
    result: dict[str, Any] = {"single": [], "during_reports": [], "pool": []}
    for kind, connections in S3_CONNECTIONS.items():
        if kind not in databases:
            continue
        with running(database=databases[kind], task_worker=True) as app:

            async def single(how: str, url: str = app.url) -> list[float]:
                async with httpx.AsyncClient(base_url=url, headers=headers, timeout=300) as c:
                    return [await _report_once(c, how, "top_products") for _ in range(plan.runs)]

            # One report's own time does not depend on how the site connects: measured once.
            for how in ("sync view", "async view", "worker") if kind == "postgres" else ():
                seconds = asyncio.run(single(how))
                result["single"].append({"how": how, "seconds": _min_median(seconds)})
                progress(f"S3 report via {how:10} {statistics.median(seconds):.2f} s")

            for how in ("none (baseline)", "sync view", "worker"):

                async def reports(how: str = how, url: str = app.url) -> None:
                    if how.startswith("none"):
                        await asyncio.sleep(2)
                        return
                    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=600) as c:
                        runs = [
                            _report_once(c, how, "top_products")
                            for _ in range(plan.concurrent_reports)
                        ]
                        if how != "worker":
                            await asyncio.gather(*runs)
                            return
                        # One worker runs the reports one after another; the site is probed
                        # while it works through the queue, for a bounded time.
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(asyncio.gather(*runs), plan.probe_cap_seconds)

                measured = asyncio.run(
                    _quick_requests_during(app.url, reports, 600, "/api/products")
                )
                result["during_reports"].append(
                    {"reports_via": how, "connections": connections, **measured}
                )
                progress(
                    f"S3 {plan.concurrent_reports} reports via {how:16} ({connections}) /health "
                    f"p99 {measured['health']['p99_ms']:.1f} ms, took {measured['work_s']} s"
                )

    # The seed's pool scenario: N users each holding a connection for a long query.
    strategies: list[tuple[str, DatabaseKind, dict[str, str]]] = [
        ("psycopg2, no pool (a connection per request)", "postgres", {}),
        (
            "psycopg 3 pool, 20 + 30 overflow (max 50)",
            "postgres-pool",
            {"DATABASE_POOL_MIN": "20", "DATABASE_POOL_MAX": "50", "DATABASE_POOL_TIMEOUT": "30"},
        ),
    ]
    for label, kind, extra in strategies:
        if kind not in databases:
            continue
        with running(database=databases[kind], extra_env=extra) as app:
            long_queries: Counter[str] = Counter()

            async def sleepers(app_url: str = app.url, seen: Counter[str] = long_queries) -> None:
                limits = httpx.Limits(max_connections=plan.pool_users + 10)
                async with httpx.AsyncClient(base_url=app_url, timeout=120, limits=limits) as c:
                    path = f"/bench/sleep?seconds={plan.pool_query_seconds}"
                    responses = await asyncio.gather(
                        *(c.get(path) for _ in range(plan.pool_users)), return_exceptions=True
                    )
                for response in responses:
                    seen[
                        f"HTTP {response.status_code}"
                        if isinstance(response, httpx.Response)
                        else type(response).__name__
                    ] += 1

            # The catalog API is cached; the attendee list reads the database on every request.
            measured = asyncio.run(
                _quick_requests_during(app.url, sleepers, 300, "/api/webinar-attendees")
            )
            result["pool"].append(
                {"strategy": label, "long_queries": dict(sorted(long_queries.items())), **measured}
            )
            progress(
                f"S3 pool: {label}: {measured['quick_path']} p99 "
                f"{measured['quick']['p99_ms']:.0f} ms, errors {measured['quick']['errors']}, "
                f"long queries {dict(long_queries)}"
            )
    return result
