"""`make bench-quick`'s code path (bench.__main__.run) on a tiny plan: the harness still works."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from django.db import connection

# The harness needs pyproject's bench group (`make bench-deps`; CI installs it); without it
# these tests are skipped, saying which package is missing.
pytest.importorskip("aiohttp")
pytest.importorskip("matplotlib")

from bench.__main__ import run
from bench.scenarios import TINY
from bench.stack import postgres_drop
from devtools.databases import database_url_for_subprocess


@pytest.mark.slow
def test_tiny_benchmark_starts_measures_and_reports(tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("runs once, in the SQLite pass (the tiny plan is SQLite only)")
    results = run(TINY, only=("s1", "s2", "s4"), out=tmp_path)

    by_mode = {(row["mode"], row["concurrency"]): row for row in results["s1"]["rows"]}
    for mode in ("upstream", "stream", "complete", "blocking"):
        assert by_mode[(mode, 5)]["completed"] == 5, by_mode[(mode, 5)]
    assert by_mode[("queued", 1)]["completed"] == 1
    assert by_mode[("stream", 5)]["ttft_p50_s"]["median"] >= TINY.llm_latency

    pages = results["s2"]["rows"]
    assert {row["path"] for row in pages} == set(TINY.endpoints)
    assert all(row["errors"] == 0 and row["rps"]["median"] > 0 for row in pages), pages
    assert results["s4"]["sqlite loaddemo (s)"] > 0

    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["meta"]["plan"] == "tiny"
    markdown = (tmp_path / "results.md").read_text()
    assert "## S1 LLM fan-out" in markdown
    assert "## S2 Pages and API" in markdown
    for plot in ("s1_fanout.png", "s2_throughput.png"):
        assert (tmp_path / plot).read_bytes().startswith(b"\x89PNG")


@pytest.mark.slow
def test_tiny_long_query_scenario_runs_on_postgresql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("S3 is PostgreSQL's: runs in the PostgreSQL pass")
    # A database of its own beside the test database, on the same server, dropped after.
    url = f"{database_url_for_subprocess()}_bench"
    monkeypatch.setenv("BENCH_POSTGRES_URL", url)
    plan = replace(TINY, databases=("postgres",), sales_orders=300, probe_cap_seconds=3)
    try:
        results = run(plan, only=("s3",), out=tmp_path)
    finally:
        postgres_drop(url)

    s3 = results["s3"]
    assert [row["how"] for row in s3["single"]] == ["sync view", "async view", "worker"]
    assert all(row["seconds"]["median"] > 0 for row in s3["single"])
    during = [row for row in s3["during_reports"] if row["connections"] == "psycopg2"]
    assert [row["reports_via"] for row in during] == ["none (baseline)", "sync view", "worker"]
    for row in during:
        assert row["health"]["requests"] > 0, row
        assert row["health"]["errors"] == 0, row
    assert s3["pool"][0]["long_queries"] == {"HTTP 200": plan.pool_users}
    assert "## S3 Long queries" in (tmp_path / "results.md").read_text()
    assert (tmp_path / "s3_long_queries.png").read_bytes().startswith(b"\x89PNG")
