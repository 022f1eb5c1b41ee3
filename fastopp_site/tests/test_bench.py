"""`make bench-quick`'s code path on a tiny plan: the harness must keep working."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from django.db import connection

from bench.__main__ import run
from bench.probe import loopback_only
from bench.scenarios import TINY


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


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/", "http://localhost:8000", "http://[::1]:8000"]
)
def test_probe_accepts_loopback_servers(url: str) -> None:
    assert loopback_only(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url", ["http://10.0.0.5:8000", "https://example.com", "http://127.0.0.1.nip.io"]
)
def test_probe_refuses_anything_but_loopback(url: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        loopback_only(url)
