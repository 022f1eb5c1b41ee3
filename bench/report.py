"""Write a run's results as JSON, a markdown summary and PNG plots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no screen

import matplotlib.pyplot as plt


def _median(cell: dict[str, float] | None, digits: int = 2) -> str:
    return "-" if cell is None else f"{cell['median']:.{digits}f}"


def _span(cell: dict[str, float] | None, digits: int = 2) -> str:
    if cell is None:
        return "-"
    return f"{cell['median']:.{digits}f} (min {cell['min']:.{digits}f})"


def markdown(results: dict[str, Any]) -> str:
    meta = results["meta"]
    lines = [
        f"# Benchmark results ({meta['plan']})",
        "",
        f"{meta['when']} on {meta['machine']}; {meta['runs']} run(s) per cell, median (min).",
        f"Total time {meta['seconds']:.0f} s. Reproduce: `{meta['command']}`.",
        "",
    ]
    if s1 := results.get("s1"):
        lines += [
            f"## S1 LLM fan-out ({s1['server']}; upstream latency {meta['llm_latency']} s)",
            "",
            "| Mode | Chats | Completed | Wall s | TTFT p50 s | TTFT p99 s | Peak worker MB |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in s1["rows"]:
            lines.append(
                f"| {row['mode']} | {row['concurrency']} | {row['completed']}/"
                f"{row['concurrency']} | {_span(row['wall_s'])} | {_span(row['ttft_p50_s'], 3)} "
                f"| {_median(row['ttft_p99_s'], 3)} | {row['peak_memory_mb']:.0f} |"
            )
        lines += ["", f"Idle worker memory: {s1['memory']['idle_worker_mb']} MB.", ""]
    if s2 := results.get("s2"):
        lines += [
            "## S2 Pages and API",
            "",
            "| Database | Server | Workers | Path | Clients | req/s | p50 ms | p99 ms | Errors |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for row in s2["rows"]:
            lines.append(
                f"| {row['database']} | {row['server']} | {row['workers']} | `{row['path']}` "
                f"| {row['concurrency']} | {_span(row['rps'], 0)} | {_median(row['p50_ms'])} "
                f"| {_median(row['p99_ms'])} | {row['errors']} |"
            )
        lines.append("")
    if s3 := results.get("s3"):
        lines += ["## S3 Long queries", "", "| Report run through | Seconds |", "|---|---|"]
        lines += [f"| {row['how']} | {_span(row['seconds'])} |" for row in s3["single"]]
        lines += [
            "",
            "| While reports run via | Site connects with | Probed for s | /health p50 / p99 ms "
            "| /api/products p50 / p99 ms | Errors |",
            "|---|---|---|---|---|---|",
        ]
        for row in s3["during_reports"]:
            health, products = row["health"], row["quick"]
            lines.append(
                f"| {row['reports_via']} | {row['connections']} "
                f"| {row['work_s']} | {health['p50_ms']} / "
                f"{health['p99_ms']} | {products['p50_ms']} / {products['p99_ms']} "
                f"| {health['errors'] + products['errors']} |"
            )
        lines += [
            "",
            "| Pool strategy | Long queries (status: count) | quick page p50 / p99 ms "
            "| Quick requests failed |",
            "|---|---|---|---|",
        ]
        for row in s3["pool"]:
            products = row["quick"]
            lines.append(
                f"| {row['strategy']} | {row['long_queries']} | `{row['quick_path']}` "
                f"{products['p50_ms']} / "
                f"{products['p99_ms']} | {products['errors']} of "
                f"{products['errors'] + products['requests']} {products['error_kinds'] or ''} |"
            )
        lines.append("")
    if s4 := results.get("s4"):
        lines += ["## S4 Footprint", "", "| Measure | Value |", "|---|---|"]
        lines += [f"| {key} | {value} |" for key, value in s4.items()]
        lines.append("")
    return "\n".join(lines)


def plots(results: dict[str, Any], out: Path) -> list[Path]:
    written: list[Path] = []
    if s1 := results.get("s1"):
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
        for mode in ("upstream", "stream", "complete", "blocking", "queued"):
            rows = [r for r in s1["rows"] if r["mode"] == mode and r["wall_s"]]
            if not rows:
                continue
            levels = [r["concurrency"] for r in rows]
            left.plot(levels, [r["wall_s"]["median"] for r in rows], marker="o", label=mode)
            ttft = [r for r in rows if r["ttft_p50_s"]]
            right.plot(
                [r["concurrency"] for r in ttft],
                [r["ttft_p50_s"]["median"] for r in ttft],
                marker="o",
                label=mode,
            )
        for axis, title in ((left, "Wall time for all chats (s)"), (right, "TTFT p50 (s)")):
            axis.set_xscale("log")
            axis.set_xlabel("concurrent chats")
            axis.set_title(title)
            axis.grid(alpha=0.3)
            axis.legend()
        fig.suptitle("S1 LLM fan-out, one worker")
        written.append(_save(fig, out / "s1_fanout.png"))
    if s2 := results.get("s2"):
        configs = sorted({(r["database"], r["server"], r["workers"]) for r in s2["rows"]})
        paths = list(dict.fromkeys(r["path"] for r in s2["rows"]))
        top = max(r["concurrency"] for r in s2["rows"] if r["concurrency"] <= 10)
        fig, axis = plt.subplots(figsize=(11, 4.5))
        width = 0.8 / len(configs)
        for index, config in enumerate(configs):
            by_path = {
                r["path"]: r["rps"]["median"]
                for r in s2["rows"]
                if (r["database"], r["server"], r["workers"]) == config and r["concurrency"] == top
            }
            values = [by_path.get(path, 0.0) for path in paths]
            positions = [i + index * width for i in range(len(paths))]
            axis.bar(positions, values, width, label=f"{config[0]}, {config[1]} x{config[2]}")
        axis.set_xticks([i + 0.4 - width / 2 for i in range(len(paths))], paths)
        axis.set_ylabel("requests/s")
        axis.set_title(f"S2 throughput at {top} concurrent clients")
        axis.legend(fontsize=8)
        axis.grid(axis="y", alpha=0.3)
        written.append(_save(fig, out / "s2_throughput.png"))
    if s3 := results.get("s3"):
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
        rows = s3["during_reports"]
        vias = list(dict.fromkeys(r["reports_via"] for r in rows))
        strategies = list(dict.fromkeys(r["connections"] for r in rows))
        width = 0.8 / len(strategies)
        for index, strategy in enumerate(strategies):
            p99 = {
                r["reports_via"]: r["health"]["p99_ms"]
                for r in rows
                if r["connections"] == strategy
            }
            left.bar(
                [i + index * width for i in range(len(vias))],
                [p99.get(via, 0) for via in vias],
                width=width,
                label=f"site on {strategy}",
            )
        left.set_xticks([i + width * (len(strategies) - 1) / 2 for i in range(len(vias))], vias)
        left.legend()
        left.set_title("/health p99 (ms) while reports run")
        left.grid(axis="y", alpha=0.3)
        pool = s3["pool"]
        labels = [
            f"{r['strategy'].split(',')[0]}\n{r['quick']['errors']} of "
            f"{r['quick']['errors'] + r['quick']['requests']} failed"
            for r in pool
        ]
        right.bar(labels, [r["quick"]["p99_ms"] for r in pool])
        right.set_title("Quick DB page p99 (ms) during 100 long queries")
        right.grid(axis="y", alpha=0.3)
        written.append(_save(fig, out / "s3_long_queries.png"))
    return written


def _save(fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def write(results: dict[str, Any], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (out / "results.md").write_text(markdown(results) + "\n")
    return [out / "results.json", out / "results.md", *plots(results, out)]
