"""Concurrent streamed chats against one server: wall time and time to first token.

Loopback only. With ``--spawn`` it starts everything itself on a temporary SQLite
database: the fake LLM (2 s before the first token by default) and the project under
uvicorn (one worker), gunicorn with one uvicorn worker, or ``manage.py runserver``::

    .venv/bin/python bench/chat_fanout.py --spawn uvicorn --levels 1 10 100
    .venv/bin/python bench/chat_fanout.py --url http://127.0.0.1:8000 --token fo_... --levels 10

Without ``--spawn``, point ``--url`` at a running server whose chat limits are off
(CHAT_RATE_LIMIT_IP_PER_MINUTE=0, CHAT_RATE_LIMIT_USER_PER_MINUTE=0, CHAT_DAILY_QUOTA=0)
and pass an API token. Requests use ``Authorization: Bearer``, as scripts do.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_USER_SCRIPT = (
    "from accounts.models import User; from accounts.services import api_token_create; "
    "u = User.objects.create_user(email='bench@example.com', password=None); "
    "print(api_token_create(user=u, name='bench').plain)"
)


@dataclass
class Result:
    ok: bool
    ttft: float
    total: float
    error: str = ""


async def one_chat(client: httpx.AsyncClient, base: str, token: str, index: int) -> Result:
    started = time.perf_counter()
    ttft = 0.0
    done = False
    async with client.stream(
        "POST",
        f"{base}/api/chat/stream",
        json={"message": f"benchmark message {index}"},
        headers={"Authorization": f"Bearer {token}"},
    ) as response:
        if response.status_code != 200:
            return Result(False, 0.0, 0.0, f"HTTP {response.status_code}")
        async for line in response.aiter_lines():
            if line.startswith("event: delta") and not ttft:
                ttft = time.perf_counter() - started
            elif line.startswith("event: error"):
                return Result(False, ttft, time.perf_counter() - started, "error event")
            elif line.startswith("event: done"):
                done = True
    return Result(done, ttft, time.perf_counter() - started, "" if done else "no done event")


async def fan_out(
    base: str, token: str, concurrency: int, seconds: float
) -> tuple[float, list[Result]]:
    async def run(index: int) -> Result:
        # One client (one connection) per chat, as separate browsers would have.
        async with httpx.AsyncClient(timeout=seconds) as client:
            try:
                return await one_chat(client, base, token, index)
            except httpx.HTTPError as exc:
                return Result(False, 0.0, 0.0, type(exc).__name__)

    started = time.perf_counter()
    results = await asyncio.gather(*(run(i) for i in range(concurrency)))
    return time.perf_counter() - started, list(results)


def report(concurrency: int, wall: float, results: list[Result]) -> str:
    good = [r for r in results if r.ok]
    ttfts = sorted(r.ttft for r in good) or [0.0]
    errors = {r.error for r in results if not r.ok}
    return (
        f"| {concurrency} | {len(good)}/{len(results)} | {wall:.2f} s "
        f"| {statistics.median(ttfts):.2f} s | {ttfts[-1]:.2f} s "
        f"| {statistics.median([r.total for r in good] or [0.0]):.2f} s "
        f"| {', '.join(sorted(errors)) or '-'} |"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_http(url: str, deadline_seconds: float = 30.0) -> None:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def _server_command(kind: str, port: int) -> list[str]:
    python = sys.executable
    if kind == "uvicorn":
        return [python, "-m", "uvicorn", "fastopp_site.asgi:application", "--port", str(port),
                "--log-level", "warning", "--backlog", "2048"]  # fmt: skip
    if kind == "gunicorn":
        return [python, "-m", "gunicorn", "fastopp_site.asgi:application",
                "-k", "uvicorn_worker.UvicornWorker", "-w", "1", "--no-control-socket",
                "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                "--backlog", "2048"]  # fmt: skip
    return [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]


@contextmanager
def spawned(kind: str, latency: float, tps: float) -> Iterator[tuple[str, str]]:
    python = sys.executable
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as tmp:
        llm_port, web_port = free_port(), free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            # runserver is a development server: it needs DEBUG to serve at all.
            "DEBUG": "true" if kind == "runserver" else "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "OPENROUTER_API_KEY": "bench",
            "OPENROUTER_BASE_URL": f"http://127.0.0.1:{llm_port}/v1",
            "OPENROUTER_LLM_MODEL": "fake/model",
            "CHAT_RATE_LIMIT_IP_PER_MINUTE": "0",
            "CHAT_RATE_LIMIT_USER_PER_MINUTE": "0",
            "CHAT_DAILY_QUOTA": "0",
            "LOG_LEVEL": "WARNING",
        }
        manage = [python, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)
        minted = subprocess.run(
            [*manage, "shell", "-c", BENCH_USER_SCRIPT],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        token = minted.stdout.strip().splitlines()[-1]
        fake_llm = [python, "-m", "chat.fake_llm", "--port", str(llm_port),
                    "--latency", str(latency), "--tokens-per-second", str(tps)]  # fmt: skip
        try:
            processes.append(subprocess.Popen(fake_llm, cwd=BASE_DIR, env=env))
            processes.append(
                subprocess.Popen(
                    _server_command(kind, web_port),
                    cwd=BASE_DIR,
                    env=env,
                    stdout=subprocess.DEVNULL,
                )
            )
            wait_http(f"http://127.0.0.1:{llm_port}/v1/models")
            wait_http(f"http://127.0.0.1:{web_port}/api/openapi.json")
            yield f"http://127.0.0.1:{web_port}", token
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--token", default="", help="API token (without --spawn)")
    parser.add_argument("--spawn", choices=["uvicorn", "gunicorn", "runserver"])
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--latency", type=float, default=2.0, help="fake LLM, with --spawn")
    parser.add_argument("--tokens-per-second", type=float, default=50.0)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()

    def run_levels(base: str, token: str) -> None:
        print("| streams | ok | wall | TTFT median | TTFT max | total median | errors |")
        print("|---|---|---|---|---|---|---|")
        for level in args.levels:
            wall, results = asyncio.run(fan_out(base, token, level, args.timeout))
            print(report(level, wall, results), flush=True)

    if args.spawn:
        with spawned(args.spawn, args.latency, args.tokens_per_second) as (base, token):
            run_levels(base, token)
    else:
        run_levels(args.url, args.token)


if __name__ == "__main__":
    main()
