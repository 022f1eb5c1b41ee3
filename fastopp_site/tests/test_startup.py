"""The process refuses to start with unsafe production settings, in one line per problem.

The settings module is evaluated in-process from a given environment (a fresh module
namespace, nothing reloaded); one test per entry-point behaviour starts a real process.
"""

from __future__ import annotations

import runpy
import subprocess
import sys
import types
from pathlib import Path

import pytest

from fastopp_site.startup import (
    REFUSAL_PREFIX,
    settings_problems,
    startup_process_kind,
    startup_refuse_if_misconfigured,
)
from fastopp_site.tests.settings_env import (
    ROOT,
    STRONG_KEY,
    environment_for_process,
    settings_from,
)


def problems_with(**env: str) -> list[str]:
    return settings_problems(values=settings_from(**env))


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment_for_process(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "secret",
    ["", "changeme", "django-insecure-" + "x" * 60, "short-key", "a" * 64],
)
def test_production_refuses_missing_or_weak_secret_key(secret: str) -> None:
    problems = problems_with(
        ENVIRONMENT="production", SECRET_KEY=secret, ALLOWED_HOSTS="app.example.com"
    )
    assert len(problems) == 1
    assert "SECRET_KEY" in problems[0]


def test_manage_py_refuses_in_one_line_and_a_failure_status() -> None:
    result = run_manage(
        "check", ENVIRONMENT="production", SECRET_KEY="changeme", ALLOWED_HOSTS="app.example.com"
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [lines[0]]
    assert lines[0].startswith(REFUSAL_PREFIX)
    assert "SECRET_KEY" in lines[0]


def test_refusal_exits_with_every_problem_on_its_own_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = types.ModuleType("refused_settings")
    vars(module).update(settings_from(ENVIRONMENT="production", BENCH_ENDPOINTS="true"))
    monkeypatch.setitem(sys.modules, "refused_settings", module)
    with pytest.raises(SystemExit) as exited:
        startup_refuse_if_misconfigured(settings_module="refused_settings")
    lines = str(exited.value.code).splitlines()
    assert len(lines) == 3
    assert all(line.startswith(REFUSAL_PREFIX) for line in lines)
    assert ["SECRET_KEY" in lines[0], "ALLOWED_HOSTS" in lines[1]] == [True, True]
    assert "BENCH_ENDPOINTS" in lines[2]


def test_a_sound_configuration_passes_through(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("sound_settings")
    vars(module).update(settings_from())
    monkeypatch.setitem(sys.modules, "sound_settings", module)
    startup_refuse_if_misconfigured(settings_module="sound_settings")


def test_production_refuses_empty_allowed_hosts() -> None:
    problems = problems_with(ENVIRONMENT="production", SECRET_KEY=STRONG_KEY)
    assert len(problems) == 1
    assert "ALLOWED_HOSTS" in problems[0]


def test_platform_host_names_count_as_allowed_hosts() -> None:
    values = settings_from(ENVIRONMENT="production", SECRET_KEY=STRONG_KEY, FLY_APP_NAME="shop")
    assert values["ALLOWED_HOSTS"] == ["shop.fly.dev"]
    assert settings_problems(values=values) == []


def test_debug_off_without_production_also_needs_a_secret_key() -> None:
    problems = problems_with(DEBUG="false", ALLOWED_HOSTS="localhost")
    assert len(problems) == 1
    assert "SECRET_KEY" in problems[0]


def test_bench_endpoints_are_refused_in_production() -> None:
    problems = problems_with(
        ENVIRONMENT="production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="app.example.com",
        BENCH_ENDPOINTS="true",
    )
    assert problems == ["BENCH_ENDPOINTS is for local benchmarks; unset it in production."]
    assert problems_with(BENCH_ENDPOINTS="true") == []


def test_unknown_storage_type_is_refused() -> None:
    assert problems_with(STORAGE_TYPE="ftp") == ["STORAGE_TYPE must be 'filesystem' or 's3'."]


def test_database_pool_needs_psycopg_3(monkeypatch: pytest.MonkeyPatch) -> None:
    values = settings_from(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/shop", DATABASE_POOL="true"
    )
    assert values["DATABASES"]["default"]["OPTIONS"]["pool"]["max_size"] == 10
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    [problem] = settings_problems(values=values)
    assert "DATABASE_POOL=true needs psycopg 3" in problem


def test_production_forces_debug_off() -> None:
    values = settings_from(
        ENVIRONMENT="production",
        DEBUG="true",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="app.example.com",
    )
    assert values["DEBUG"] is False
    assert settings_problems(values=values) == []


def test_bad_database_url_is_one_clear_line() -> None:
    problems = problems_with(DATABASE_URL="mysql://u:secretpw@h/db")
    assert len(problems) == 1
    assert "DATABASE_URL" in problems[0]
    assert "secretpw" not in problems[0]


def test_unreachable_database_is_reported_without_the_password() -> None:
    result = run_manage(
        "checkdb", DATABASE_URL="postgresql+asyncpg://app:hunter2-canary@127.0.0.1:1/shop"
    )
    assert result.returncode != 0
    assert "not reachable" in result.stderr
    assert "hunter2-canary" not in result.stderr + result.stdout


def test_development_starts_with_no_configuration() -> None:
    assert problems_with() == []


def test_health_answers_503_when_the_database_is_down() -> None:
    # A real connection attempt to a closed port, in a fresh process: the probe must say
    # so in its JSON, with a 503, and never quote the URL's password.
    probe = (
        "from django.test import Client; "
        "r = Client().get('/health', HTTP_HOST='localhost'); "
        "print(r.status_code, r.content.decode())"
    )
    result = run_manage(
        "shell", "-c", probe, DATABASE_URL="postgres://app:hunter2-canary@127.0.0.1:1/shop"
    )
    assert result.returncode == 0, result.stderr
    assert "503 {" in result.stdout
    assert '"database": "unreachable"' in result.stdout
    assert "hunter2-canary" not in result.stdout + result.stderr


# --- Processes that serve no HTTP need no ALLOWED_HOSTS -------------------------------


def test_only_the_web_process_needs_allowed_hosts() -> None:
    values = settings_from(ENVIRONMENT="production", SECRET_KEY=STRONG_KEY)
    assert settings_problems(values=values, process="command") == []
    [problem] = settings_problems(values=values, process="web")
    assert "ALLOWED_HOSTS" in problem


def test_processes_without_http_still_refuse_a_weak_secret_key() -> None:
    values = settings_from(ENVIRONMENT="production", SECRET_KEY="changeme")
    [problem] = settings_problems(values=values, process="command")
    assert "SECRET_KEY" in problem


def test_the_build_step_needs_no_secrets() -> None:
    # A platform's builder (Docker, buildpacks) runs collectstatic without the app's secrets.
    values = settings_from(ENVIRONMENT="production")
    assert settings_problems(values=values, process="build") == []
    bench = settings_from(ENVIRONMENT="production", BENCH_ENDPOINTS="true")
    assert len(settings_problems(values=bench, process="build")) == 1


@pytest.mark.parametrize(
    ("argv", "kind"),
    [
        (["manage.py", "runserver"], "web"),
        (["manage.py", "runserver", "0.0.0.0:8000", "--noreload"], "web"),
        (["manage.py", "testserver", "demo.json"], "web"),
        (["manage.py", "run_worker", "--queue-name", "*"], "command"),
        (["manage.py", "migrate", "--noinput"], "command"),
        (["manage.py", "loaddemo"], "command"),
        (["manage.py", "help", "runserver"], "command"),
        (["manage.py"], "command"),
        (["manage.py", "collectstatic", "--noinput"], "build"),
    ],
)
def test_manage_py_knows_what_each_command_does(argv: list[str], kind: str) -> None:
    assert startup_process_kind(argv=argv) == kind


class Refused(Exception):
    pass


@pytest.fixture
def entry_point_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """What each entry point asks startup_refuse_if_misconfigured; it stops right there."""
    calls: list[dict[str, object]] = []

    def record(**kwargs: object) -> None:
        calls.append(kwargs)
        raise Refused

    monkeypatch.setattr("fastopp_site.startup.startup_refuse_if_misconfigured", record)
    return calls


@pytest.mark.parametrize("entry_point", ["fastopp_site/asgi.py", "fastopp_site/wsgi.py"])
def test_asgi_and_wsgi_check_allowed_hosts(
    entry_point: str, entry_point_calls: list[dict[str, object]]
) -> None:
    with pytest.raises(Refused):
        runpy.run_path(str(ROOT / entry_point))
    assert [call["process"] for call in entry_point_calls] == ["web"]


@pytest.mark.parametrize(
    ("command", "kind"),
    [
        ("runserver", "web"),
        ("run_worker", "command"),
        ("migrate", "command"),
        ("check", "command"),
        ("collectstatic", "build"),
    ],
)
def test_manage_py_checks_allowed_hosts_for_runserver_only(
    command: str,
    kind: str,
    entry_point_calls: list[dict[str, object]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    main = runpy.run_path(str(ROOT / "manage.py"))["main"]
    monkeypatch.setattr(sys, "argv", ["manage.py", command])
    with pytest.raises(Refused):
        main()
    assert [call["process"] for call in entry_point_calls] == [kind]


@pytest.mark.slow
def test_build_release_and_worker_start_in_production_without_allowed_hosts(tmp_path: Path) -> None:
    env = {
        "ENVIRONMENT": "production",
        "SECRET_KEY": STRONG_KEY,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    migrate = run_manage("migrate", "--noinput", **env)
    assert migrate.returncode == 0, migrate.stderr
    worker = run_manage("run_worker", "--batch", "--interval", "0.1", **env)
    assert worker.returncode == 0, worker.stderr
    assert REFUSAL_PREFIX not in worker.stderr
    # The build step, on a builder with no secrets (a dry run: the repository stays as it is).
    build = run_manage("collectstatic", "--noinput", "--dry-run", ENVIRONMENT="production")
    assert build.returncode == 0, build.stderr
    web = run_manage("runserver", "--noreload", **env)
    assert web.returncode == 1
    assert web.stderr.strip() == f"{REFUSAL_PREFIX} " + (
        "set ALLOWED_HOSTS to the site's host names, e.g. ALLOWED_HOSTS=app.example.com."
    )
