"""Start-up refusal: the settings values that must never reach a running site.

The settings module only reads values; `settings_problems` says what is wrong with them,
and the entry points (manage.py, asgi.py, wsgi.py) call `startup_refuse_if_misconfigured`,
which prints the problems and exits before Django loads anything else.

What a process needs depends on what it does (`ProcessKind`). Only a process that
answers HTTP needs ALLOWED_HOSTS: the task worker, the release command (migrate) and other
management commands serve no request, and a worker service on Railway or Fly has no public
host name to list. A build step (collectstatic) also signs nothing, and a platform's
builder has no secrets, so it needs no SECRET_KEY either.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Mapping, Sequence
from typing import Any, Literal

REFUSAL_PREFIX = "FastOpp Django will not start:"

ProcessKind = Literal["web", "command", "build"]
# The manage.py commands that serve HTTP (daphne's runserver keeps Django's name).
HTTP_COMMANDS = frozenset({"runserver", "testserver"})
# The ones that only write files from the code, at build time.
BUILD_COMMANDS = frozenset({"collectstatic"})

# FastOpp's samples ship these; a key anyone can read signs nobody's sessions.
KNOWN_WEAK_SECRET_KEYS = frozenset(
    {
        "",
        "changeme",
        "change-me",
        "secret",
        "your-secret-key",
        "your-secret-key-here",
        "dev-secret-key",
        "development-secret-key",
    }
)


def settings_problems(*, values: Mapping[str, Any], process: ProcessKind = "web") -> list[str]:
    """Every reason the settings in `values` (a settings module's names) must not start
    a process of this kind (the default, "web", checks everything)."""
    problems: list[str] = []
    debug = bool(values["DEBUG"])
    if process != "build" and not debug and _secret_key_is_weak(key=str(values["SECRET_KEY"])):
        problems.append(
            "set SECRET_KEY to a random value of 50+ characters "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))" prints one).'
        )
    if process == "web" and not debug and not values["ALLOWED_HOSTS"]:
        problems.append(
            "set ALLOWED_HOSTS to the site's host names, e.g. ALLOWED_HOSTS=app.example.com."
        )
    if values["BENCH_ENDPOINTS"] and values["IS_PRODUCTION"]:
        problems.append("BENCH_ENDPOINTS is for local benchmarks; unset it in production.")
    if values["DATABASE_URL_PROBLEM"]:
        problems.append(f"{values['DATABASE_URL_PROBLEM']}.")
    if values.get("CACHE_URL_PROBLEM"):
        problems.append(f"{values['CACHE_URL_PROBLEM']}.")
    if values.get("EMAIL_URL_PROBLEM"):
        problems.append(f"{values['EMAIL_URL_PROBLEM']}.")
    database_options = values["DATABASES"]["default"].get("OPTIONS", {})
    if "pool" in database_options and importlib.util.find_spec("psycopg_pool") is None:
        problems.append('DATABASE_POOL=true needs psycopg 3: pip install "psycopg[binary,pool]".')
    if values["STORAGE_TYPE"] not in {"filesystem", "s3"}:
        problems.append("STORAGE_TYPE must be 'filesystem' or 's3'.")
    backends = values["TASK_BACKEND_CLASSES"]
    if values["TASKS_BACKEND"] not in backends:
        problems.append(f"TASKS_BACKEND must be one of {', '.join(backends)}.")
    elif values["TASKS_BACKEND"] == "rq" and importlib.util.find_spec("django_tasks_rq") is None:
        problems.append("TASKS_BACKEND=rq needs django-tasks-rq: pip install django-tasks-rq.")
    return problems


def startup_process_kind(*, argv: Sequence[str]) -> ProcessKind:
    """What `manage.py` with these arguments will do: serve HTTP, build, or anything else."""
    command = argv[1] if len(argv) > 1 else ""
    if command in HTTP_COMMANDS:
        return "web"
    if command in BUILD_COMMANDS:
        return "build"
    return "command"


def startup_refuse_if_misconfigured(*, settings_module: str, process: ProcessKind = "web") -> None:
    """Exit with one line per problem when the settings module's values are unsafe."""
    # The module itself, not django.conf.settings: Django would raise its own traceback
    # for an empty SECRET_KEY before this could explain the fix.
    module = importlib.import_module(settings_module)
    problems = settings_problems(values=vars(module), process=process)
    if problems:
        # A traceback would bury the fix; sys.exit with a message exits with status 1.
        sys.exit("\n".join(f"{REFUSAL_PREFIX} {problem}" for problem in problems))


def _secret_key_is_weak(*, key: str) -> bool:
    return (
        key.lower() in KNOWN_WEAK_SECRET_KEYS
        or key.startswith("django-insecure")
        or len(key) < 50
        or len(set(key)) < 5
    )
