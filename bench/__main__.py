"""Run the benchmark scenarios and write JSON, markdown and PNG plots.

    .venv/bin/python -m bench                  # the standard set (make bench)
    .venv/bin/python -m bench --plan quick     # the smoke set (make bench-quick)
    .venv/bin/python -m bench --only s1 s2     # some scenarios only

Every server it measures is started here, on 127.0.0.1, and stopped before it exits.
PostgreSQL scenarios use $BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/
fastopp_bench, which is dropped and re-created) and are skipped when no server answers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import report, scenarios
from bench.stack import (
    DEFAULT_POSTGRES_URL,
    PSYCOPG3_DIR,
    Database,
    base_env,
    database_prepare,
)
from devtools.databases import postgres_reachable
from devtools.processes import manage_run

SCENARIOS = ("s1", "s2", "s3", "s4")


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(plan: scenarios.Plan, *, only: tuple[str, ...] = SCENARIOS, out: Path) -> dict[str, Any]:
    started = time.perf_counter()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="fastopp-bench-db-") as tmp:
        # DEBUG is off, so pages need the hashed static files, as after a deploy's build step.
        manage_run("collectstatic", "--noinput", "-v0", env=base_env(), timeout=600.0)
        databases: dict[str, Database] = {
            "sqlite": database_prepare("sqlite", f"sqlite:///{tmp}/bench.sqlite3")
        }
        progress("SQLite database ready")
        postgres_url = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
        wants_postgres = any(kind.startswith("postgres") for kind in plan.databases) and (
            {"s2", "s3", "s4"} & set(only)
        )
        if wants_postgres and postgres_reachable(postgres_url) is None:
            orders = plan.sales_orders if {"s3", "s4"} & set(only) else 0
            databases["postgres"] = database_prepare("postgres", postgres_url, sales_orders=orders)
            progress(f"PostgreSQL database ready ({orders} orders seeded)")
            if (PSYCOPG3_DIR / "psycopg").exists():
                databases["postgres-pool"] = databases["postgres"].with_kind("postgres-pool")
            else:
                progress("psycopg 3 is not in .bench-deps (make bench-deps): no pool runs")
        elif wants_postgres:
            progress(f"PostgreSQL not reachable at {postgres_url}: SQLite only")

        if "s1" in only:
            results["s1"] = scenarios.s1_fanout(plan, databases["sqlite"], progress)
        if "s2" in only:
            results["s2"] = scenarios.s2_pages(plan, databases, progress)
        if "s3" in only and "postgres" in databases:
            results["s3"] = scenarios.s3_long_queries(plan, databases, progress)
        if "s4" in only:
            results["s4"] = footprint(results, databases)

    results["meta"] = {
        "plan": plan.name,
        "runs": plan.runs,
        "llm_latency": plan.llm_latency,
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}",
        "command": "make bench" if plan.name == "standard" else f"make bench-{plan.name}",
        "seconds": round(time.perf_counter() - started, 1),
    }
    for path in report.write(results, out):
        progress(f"wrote {path}")
    return results


def footprint(results: dict[str, Any], databases: dict[str, Database]) -> dict[str, Any]:
    s4: dict[str, Any] = {}
    for kind, database in databases.items():
        if kind == "postgres-pool":
            continue
        for key, seconds in database.timings.items():
            s4[f"{kind} {key.removesuffix('_s')} (s)"] = round(seconds, 2)
    for start in results.get("s2", {}).get("starts", []):
        label = f"{start['server']} x{start['workers']}, {start['database']}"
        s4[f"cold start to first 200, {label} (s)"] = start["cold_start_s"]
        s4[f"idle memory, {label} (MB, all workers)"] = start["idle_memory_mb"]
    if s1 := results.get("s1"):
        s4["idle memory, 1 worker (MB)"] = s1["memory"]["idle_worker_mb"]
        for row in s1["rows"]:
            if row["mode"] in {"stream", "complete", "blocking"}:
                key = f"peak worker memory, {row['mode']} x{row['concurrency']} (MB)"
                s4[key] = row["peak_memory_mb"]
    return s4


def main() -> int:
    parser = argparse.ArgumentParser(description="FastOpp Django benchmarks")
    parser.add_argument("--plan", choices=["standard", "quick"], default="standard")
    parser.add_argument("--only", nargs="+", choices=SCENARIOS, default=list(SCENARIOS))
    parser.add_argument("--out", type=Path, default=None, help="default: bench/results/<plan>")
    parser.add_argument(
        "--replot", action="store_true", help="rewrite the markdown and plots from results.json"
    )
    args = parser.parse_args()
    plan = scenarios.STANDARD if args.plan == "standard" else scenarios.QUICK
    out = args.out or Path(__file__).resolve().parent / "results" / plan.name
    if args.replot:
        report.write(json.loads((out / "results.json").read_text()), out)
        return 0
    run(plan, only=tuple(args.only), out=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
