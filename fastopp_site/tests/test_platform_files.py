"""The platform files say what the Procfile says: one release, web and worker command everywhere.

The Procfile runs through a shell; the Dockerfile's CMD, Fly's processes and Railway's start
command do not, so there the web command leaves --bind, --workers and --forwarded-allow-ips to
gunicorn, which reads PORT, WEB_CONCURRENCY and FORWARDED_ALLOW_IPS, and the image sets the
Procfile's defaults for them. These tests keep the copies from drifting apart.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.urls import resolve

from platform_ops.management.commands.run_worker import Command as RunWorker

ROOT = Path(settings.BASE_DIR)
# gunicorn's own environment defaults for these options.
GUNICORN_ENV_OPTIONS = {"--bind": "PORT", "--workers": "WEB_CONCURRENCY"}
GUNICORN_ENV_OPTIONS["--forwarded-allow-ips"] = "FORWARDED_ALLOW_IPS"
SHELL_DEFAULT = re.compile(r"\$\{(\w+):-([^}]*)\}")


def _procfile() -> dict[str, list[str]]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return {
        name: shlex.split(command)
        for name, command in (line.split(": ", 1) for line in lines if line.strip())
    }


def _web_without_shell() -> tuple[list[str], dict[str, str]]:
    """The Procfile's web command minus the options gunicorn takes from the environment."""
    words, defaults, kept = _procfile()["web"], {}, []
    iterator = iter(words)
    for word in iterator:
        if word in GUNICORN_ENV_OPTIONS:
            match = SHELL_DEFAULT.search(next(iterator))
            assert match, word
            assert match.group(1) == GUNICORN_ENV_OPTIONS[word], word
            defaults[match.group(1)] = match.group(2)
        else:
            kept.append(word)
    return kept, defaults


def _dockerfile() -> tuple[list[str], dict[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    runtime = text.rsplit("\nFROM ", 1)[1]  # the last stage is the image that runs
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", runtime, re.M).group(1))  # type: ignore[union-attr]
    env: dict[str, str] = {}
    for line in re.findall(r"^ENV (.*)$", runtime, re.M):
        env.update(pair.split("=", 1) for pair in line.split())
    return cmd, env


def _fly() -> dict[str, Any]:
    return tomllib.loads((ROOT / "fly.toml").read_text())


def _railway(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / name).read_text())
    return data


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return data


def test_web_command_is_the_procfiles_everywhere():
    web, defaults = _web_without_shell()
    cmd, image_env = _dockerfile()
    assert cmd == web
    assert {name: image_env[name] for name in defaults} == defaults
    assert shlex.split(_fly()["processes"]["web"]) == web
    assert shlex.split(_railway("railway.json")["deploy"]["startCommand"]) == web


def test_forwarded_headers_are_trusted_only_from_loopback_by_default():
    # "*" would let any client write its own address into X-Forwarded-For (README).
    _, defaults = _web_without_shell()
    assert defaults["FORWARDED_ALLOW_IPS"] == "127.0.0.1,::1"
    assert _dockerfile()[1]["FORWARDED_ALLOW_IPS"] == "127.0.0.1,::1"
    assert "FORWARDED_ALLOW_IPS" not in _fly().get("env", {})  # each app lists its own


def test_release_command_is_the_procfiles_everywhere():
    release = _procfile()["release"]
    assert shlex.split(_fly()["deploy"]["release_command"]) == release
    assert [shlex.split(c) for c in _railway("railway.json")["deploy"]["preDeployCommand"]] == [
        release
    ]
    assert _compose()["services"]["migrate"]["command"] == release


def test_worker_command_is_the_procfiles_everywhere():
    worker = _procfile()["worker"]
    assert worker[:3] == ["python", "manage.py", "run_worker"]
    # The platform files leave out the Procfile's options: they are run_worker's defaults.
    parser = RunWorker().create_parser("manage.py", "run_worker")
    assert vars(parser.parse_args(worker[3:])) == vars(parser.parse_args([]))
    short = ["python", "manage.py", "run_worker"]
    assert shlex.split(_fly()["processes"]["worker"]) == short
    assert shlex.split(_railway("railway.worker.json")["deploy"]["startCommand"]) == short
    assert _compose()["services"]["worker"]["command"] == short


def test_readiness_checks_use_health_and_only_the_web_is_checked():
    fly = _fly()
    assert [check["path"] for check in fly["http_service"]["checks"]] == ["/health"]
    assert fly["http_service"]["processes"] == ["web"]
    assert _railway("railway.json")["deploy"]["healthcheckPath"] == "/health"
    worker_deploy = _railway("railway.worker.json")["deploy"]
    assert "healthcheckPath" not in worker_deploy
    assert "preDeployCommand" not in worker_deploy  # one release per deploy, from the web
    assert "/health'" in " ".join(_compose()["services"]["web"]["healthcheck"]["test"])
    assert resolve("/health").url_name == "health"


def test_every_build_path_collects_static_files():
    assert "manage.py collectstatic --noinput" in (ROOT / "Dockerfile").read_text()
    assert _fly()["build"]["dockerfile"] == "Dockerfile"
    assert _railway("railway.json")["build"]["builder"] == "DOCKERFILE"
    assert _railway("railway.worker.json")["build"]["builder"] == "DOCKERFILE"
    leapcell = (ROOT / "docs" / "deploy-leapcell.md").read_text()
    build = re.search(r"^\| Build command \| `([^`]+)` \|$", leapcell, re.M)
    assert build
    assert "ENVIRONMENT=production python manage.py collectstatic --noinput" in build.group(1)


def test_leapcell_start_is_the_procfiles_release_then_web():
    leapcell = (ROOT / "docs" / "deploy-leapcell.md").read_text()
    start = re.search(r"^\| Start command \| `([^`]+)` \|$", leapcell, re.M)
    assert start
    release, web = start.group(1).split(" && ")
    assert shlex.split(release) == _procfile()["release"]
    # The Procfile's web line with LeapCell's port and the other defaults written out.
    procfile = (ROOT / "Procfile").read_text()
    line = re.search(r"^web: (.*)$", procfile, re.M).group(1)  # type: ignore[union-attr]
    values = {"PORT": "8080"}
    expected = SHELL_DEFAULT.sub(lambda m: values.get(m.group(1), m.group(2)), line)
    assert shlex.split(web) == shlex.split(expected)
