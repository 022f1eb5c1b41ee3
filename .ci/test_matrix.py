"""Run pytest on SQLite and, when a server answers, on PostgreSQL, side by side.

Used by `make test`. The PostgreSQL URL is $DATABASE_URL when it names PostgreSQL,
otherwise postgres://postgres@127.0.0.1:5432/fastopp_django. With REQUIRE_POSTGRES=1
(CI) an unreachable server is a failure instead of a skipped run.

Each pass runs on one pytest-xdist worker per core (`-n auto`; pass `-n N` or `-p no:xdist`
to choose); pytest-django gives every worker its own test database (suffix _gwN).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO

# Run as a script: the project root, not .ci/, is where devtools lives.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devtools.databases import postgres_reachable

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/fastopp_django"


def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return (
        url
        if url.split(":", 1)[0].split("+", 1)[0] in {"postgres", "postgresql"}
        else DEFAULT_POSTGRES_URL
    )


def start_pytest(
    *, database_url: str, args: list[str], log: IO[bytes], extra_env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": database_url, **(extra_env or {})}
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", *args], env=env, stdout=log, stderr=subprocess.STDOUT
    )


def postgres_pass_url() -> str | None:
    """The PostgreSQL URL to test on, or None (after saying why) when there is none."""
    url = postgres_url()
    reason = postgres_reachable(url)
    if reason is None:
        return url
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        print(f"PostgreSQL is required (REQUIRE_POSTGRES=1) but not reachable: {reason}")
        raise SystemExit(1)
    print(f"PostgreSQL not reachable ({reason}); skipped the PostgreSQL run.")
    return None


def main() -> int:
    args = sys.argv[1:]
    if not any(arg.startswith(("-n", "--numprocesses")) or arg == "no:xdist" for arg in args):
        args = ["-n", "auto", *args]
    pg_url = postgres_pass_url()
    # The passes run side by side: much of a pass is waiting (worker processes, servers, a
    # browser), so together they finish far sooner than one after the other. Each one's
    # output is printed whole when it ends.
    with tempfile.TemporaryDirectory(prefix="fastopp-test-") as tmp:
        passes: list[tuple[str, subprocess.Popen[bytes], IO[bytes]]] = []
        sqlite_log = open(os.path.join(tmp, "sqlite.log"), "w+b")  # noqa: SIM115
        # A file test database, not :memory:, so that the worker processes tests start
        # can open it too.
        sqlite_env = {"TEST_DATABASE_NAME": os.path.join(tmp, "test.sqlite3")}
        sqlite = start_pytest(
            database_url="sqlite://:memory:", args=args, log=sqlite_log, extra_env=sqlite_env
        )
        passes.append(("SQLite", sqlite, sqlite_log))
        if pg_url is not None:
            pg_log = open(os.path.join(tmp, "postgresql.log"), "w+b")  # noqa: SIM115
            passes.append(
                ("PostgreSQL", start_pytest(database_url=pg_url, args=args, log=pg_log), pg_log)
            )
        print(f"=== pytest on {' and '.join(label for label, _, _ in passes)}, side by side ===")
        failures = 0
        for label, process, log in passes:
            code = process.wait()
            log.seek(0)
            print(f"\n=== pytest on {label} ===", flush=True)
            sys.stdout.buffer.write(log.read())
            sys.stdout.flush()
            log.close()
            failures += code != 0

    print("\nAll test runs passed." if failures == 0 else f"\n{failures} test run(s) failed.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
