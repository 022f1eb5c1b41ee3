"""Run pytest on SQLite, then on PostgreSQL when a server answers.

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


def run_pytest(
    label: str, database_url: str, extra_args: list[str], extra_env: dict[str, str] | None = None
) -> int:
    print(f"\n=== pytest on {label} ===", flush=True)
    env = {**os.environ, "DATABASE_URL": database_url, **(extra_env or {})}
    return subprocess.call([sys.executable, "-m", "pytest", *extra_args], env=env)


def main() -> int:
    extra_args = sys.argv[1:]
    if not any(arg.startswith(("-n", "--numprocesses")) or arg == "no:xdist" for arg in extra_args):
        extra_args = ["-n", "auto", *extra_args]
    failures = 0
    # A file test database, not :memory:, so that the real worker processes the tests
    # start can open it too.
    with tempfile.TemporaryDirectory(prefix="fastopp-test-") as tmp:
        sqlite_env = {"TEST_DATABASE_NAME": os.path.join(tmp, "test.sqlite3")}
        if run_pytest("SQLite", "sqlite://:memory:", extra_args, sqlite_env) != 0:
            failures += 1

    url = postgres_url()
    reason = postgres_reachable(url)
    if reason is None:
        if run_pytest("PostgreSQL", url, extra_args) != 0:
            failures += 1
    elif os.environ.get("REQUIRE_POSTGRES") == "1":
        print(f"PostgreSQL is required (REQUIRE_POSTGRES=1) but not reachable: {reason}")
        failures += 1
    else:
        print(f"PostgreSQL not reachable ({reason}); skipped the PostgreSQL run.")

    print("\nAll test runs passed." if failures == 0 else f"\n{failures} test run(s) failed.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
