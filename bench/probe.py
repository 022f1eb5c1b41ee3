"""Point the load generator at any running server that speaks FastOpp's paths.

    .venv/bin/python -m bench.probe --url http://127.0.0.1:8000 --paths / /api/products
    .venv/bin/python -m bench.probe --url http://127.0.0.1:8000 --chat 50 --token fo_...

Pages and API: a closed loop per path and concurrency (requests/s, p50, p99, errors).
``--chat N``: N concurrent streamed chats against POST /api/chat/stream (wall time, time to
first token). Only loopback addresses are accepted: this is a load generator.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from ipaddress import ip_address
from urllib.parse import urlsplit

from bench import load


def loopback_only(url: str) -> str:
    host = urlsplit(url).hostname or ""
    if host != "localhost" and not (host and _is_loopback_ip(host)):
        raise argparse.ArgumentTypeError(f"{url}: only loopback servers may be load-tested")
    return url.rstrip("/")


def _is_loopback_ip(host: str) -> bool:
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", type=loopback_only, required=True)
    parser.add_argument("--paths", nargs="*", default=["/", "/api/products"])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--chat", type=int, default=0, help="concurrent streamed chats")
    parser.add_argument("--token", default="", help="API token for the chat endpoints")
    args = parser.parse_args(argv)

    results: list[dict[str, object]] = []
    for path in args.paths:
        for concurrency in args.concurrency:
            measured = asyncio.run(
                load.closed_loop(args.url, path, concurrency=concurrency, seconds=args.seconds)
            )
            results.append({"path": path, "concurrency": concurrency, **measured.summary()})
    if args.chat:
        fan_out = asyncio.run(
            load.fan_out(args.url, mode="stream", concurrency=args.chat, token=args.token)
        )
        results.append({"chat": fan_out.summary()})
    json.dump(results, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
