"""No secret reaches the log (core.redaction): the helper, the LOGGING filter, real flows.

Every secret setting holds a canary; each flow that could repeat one (an upstream error that
echoes the Authorization header, a refused DATABASE_URL, checkenv, an S3 failure) runs, and
every log line it produced, in this process (caplog and the console handler's output) and in
subprocesses (stdout and stderr), is searched for every canary.
"""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from chat.llm.backends.openai import error_for_event, error_for_status
from core.redaction import MARKER, RedactSecretsFilter, secret_values, secrets_redact
from devtools.fake_llm import FakeLLMServer
from devtools.net import free_port
from fastopp_site.tests.settings_env import ROOT, environment_for_process

pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")

CANARIES = {
    "SECRET_KEY": "canary-secret-key-Qm4Xv8Lr2Tz6Wp0Nb3Kd7Hs1Jf5Gc9Ya2Eu6Ri0Oq4Pw8Zx",
    "OPENROUTER_API_KEY": "sk-or-v1-canaryopenrouter4f1c9e2b7a",
    "OPS_TOKEN": "canary-ops-token-8d3f1a6c",
    "S3_SECRET_KEY": "canary-s3-secret-5b7e2d9f",
    "BACKUP_S3_SECRET_KEY": "canary-backup-secret-3c8a1f4e",
    "EMAIL_HOST_PASSWORD": "canary-email-password-7e2b",
}
DATABASE_PASSWORD = "canary-db-password-6f1d"
CACHE_PASSWORD = "canary-cache-password-2a9c"
ALL = [*CANARIES.values(), DATABASE_PASSWORD, CACHE_PASSWORD]


def leaked(text: str) -> list[str]:
    return [canary for canary in ALL if canary in text]


@pytest.fixture
def canaries(settings: Any) -> None:
    for name, value in CANARIES.items():
        setattr(settings, name, value)
    settings.DATABASES = {
        **settings.DATABASES,
        "other": {**settings.DATABASES["default"], "PASSWORD": DATABASE_PASSWORD},
    }
    settings.CACHES = {
        **settings.CACHES,
        "shared": {"BACKEND": "x", "LOCATION": f"redis://:{CACHE_PASSWORD}@127.0.0.1:1/8"},
    }
    s3 = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"secret_key": CANARIES["S3_SECRET_KEY"]},
    }
    settings.STORAGES = {**settings.STORAGES, "s3": s3}


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """What the project's console handler (settings LOGGING) writes, into a buffer."""
    root = logging.getLogger()
    handler = next(h for h in root.handlers if type(h) is logging.StreamHandler)
    buffer = io.StringIO()
    original = handler.setStream(buffer)
    yield buffer
    handler.setStream(original)


@pytest.mark.usefixtures("canaries")
def test_every_configured_secret_is_known() -> None:
    assert set(ALL) <= set(secret_values())


@pytest.mark.usefixtures("canaries")
def test_the_helper_removes_every_secret_bearer_token_and_authorization_value() -> None:
    text = " ".join(ALL) + (
        ' {"authorization": "Bearer sk-or-v1-unconfigured-key-123456"} '
        "Authorization: Basic dXNlcjpwYXNz\nX-Api: Bearer fo_personaltoken0123456789"
    )
    redacted = secrets_redact(text=text, limit=None)
    assert leaked(redacted) == []
    for fragment in ("sk-or-v1-unconfigured", "dXNlcjpwYXNz", "fo_personaltoken"):
        assert fragment not in redacted
    assert redacted.count(MARKER) >= len(ALL) + 3


def test_the_helper_bounds_the_length_after_redacting(settings: Any) -> None:
    settings.OPENROUTER_API_KEY = CANARIES["OPENROUTER_API_KEY"]
    # The key straddles the cut: redacting first means no prefix of it survives either.
    text = "x" * 190 + CANARIES["OPENROUTER_API_KEY"] + "y" * 10_000
    redacted = secrets_redact(text=text, limit=200)
    assert "sk-or-v1" not in redacted
    assert len(redacted) < 260
    assert redacted.endswith("more characters]")


def test_the_console_handler_has_the_filter() -> None:
    console = django_settings.LOGGING["handlers"]["console"]
    assert console["filters"] == ["redact_secrets"]
    assert django_settings.LOGGING["filters"]["redact_secrets"]["()"] == (
        "core.redaction.RedactSecretsFilter"
    )


@pytest.mark.parametrize("name", ["django.request", "django.security.csrf", "chat.api", "x"])
def test_every_handler_a_project_record_reaches_has_the_filter(name: str) -> None:
    logger: logging.Logger | None = logging.getLogger(name)
    reached = []
    while logger is not None:
        reached += [h for h in logger.handlers if not type(h).__module__.startswith("_pytest")]
        logger = logger.parent if logger.propagate else None
    assert reached
    for handler in reached:
        assert any(isinstance(f, RedactSecretsFilter) for f in handler.filters), handler


@pytest.mark.usefixtures("canaries")
def test_the_filter_redacts_arguments_and_tracebacks(console: io.StringIO) -> None:
    logger = logging.getLogger("fastopp.test")
    logger.warning("connecting with %s", CANARIES["OPS_TOKEN"])
    try:
        raise RuntimeError(f"could not log in as :{DATABASE_PASSWORD}@db")
    except RuntimeError:
        logger.exception("failed")
    output = console.getvalue()
    assert "connecting with [redacted]" in output
    assert "RuntimeError: could not log in as :[redacted]@db" in output
    assert leaked(output) == []


def test_the_filter_keeps_a_record_whose_format_is_broken() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d items", ("many",), None)
    assert RedactSecretsFilter().filter(record)
    assert "%d items" in record.getMessage()


@pytest.mark.usefixtures("canaries")
def test_upstream_error_bodies_are_redacted_where_they_are_made() -> None:
    # Explicit redaction at the source: the error text holds no key even with no filter.
    body = json.dumps(
        {"error": {"headers": {"authorization": f"Bearer {CANARIES['OPENROUTER_API_KEY']}"}}}
    )
    for error in (
        error_for_status(status=500, body=body + "z" * 5000),
        error_for_status(status=400, body="model " + body),
        error_for_event(error={"message": body, "code": 500}),
    ):
        assert leaked(str(error)) == []
        assert "Bearer [redacted]" in str(error) or "[redacted]" in str(error)
        assert len(error.internal) < 260


@pytest.mark.django_db(transaction=True)  # the chat view closes its connection
@pytest.mark.usefixtures("canaries")
def test_an_upstream_500_echoing_the_key_leaves_no_key_in_the_log(
    fake_llm: FakeLLMServer, settings: Any, caplog: pytest.LogCaptureFixture, console: io.StringIO
) -> None:
    settings.OPENROUTER_API_KEY = CANARIES["OPENROUTER_API_KEY"]
    settings.OPENROUTER_LLM_MODEL = "fault/500-echo"
    body = json.dumps({"message": "hello"})
    response = Client().post("/api/chat", body, content_type="application/json")

    assert response.status_code == 502
    # The fake server did send the key back: the log line is where it must stop.
    assert any("upstream_down: HTTP 500" in r.getMessage() for r in caplog.records)
    assert "[redacted]" in console.getvalue()
    assert leaked(caplog.text + console.getvalue() + response.content.decode()) == []


@pytest.mark.usefixtures("canaries")
def test_an_s3_failure_leaves_no_secret_in_the_log(
    settings: Any, caplog: pytest.LogCaptureFixture, console: io.StringIO
) -> None:
    from platform_ops.services.file_backup import files_backup_run

    settings.BACKUP_S3_ENDPOINT_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens
    settings.BACKUP_S3_BUCKET = "canary-bucket"
    settings.BACKUP_S3_ACCESS_KEY = "canary-access"
    caplog.set_level(logging.DEBUG, logger="botocore")
    with pytest.raises(Exception) as failed:  # noqa: PT011 (whatever boto3 raises)
        files_backup_run()
    logging.getLogger("platform_ops").error("backup failed", exc_info=failed.value)
    assert leaked(console.getvalue()) == []
    assert leaked(str(failed.value)) == []


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = environment_for_process(
        **{name: value for name, value in CANARIES.items() if name != "EMAIL_HOST_PASSWORD"},
        CACHE_URL=f"redis://:{CACHE_PASSWORD}@127.0.0.1:1/8",
        **env,
    )
    command = [sys.executable, "manage.py", *args]
    return subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_checkenv_shows_no_secret() -> None:
    url = f"postgres://fastopp:{DATABASE_PASSWORD}@127.0.0.1:1/fastopp"
    done = _run("checkenv", DATABASE_URL=url)
    assert done.returncode == 0
    assert "database not reachable" in done.stdout
    assert leaked(done.stdout + done.stderr) == []


@pytest.mark.parametrize(
    "url",
    [
        f"mysql://fastopp:{DATABASE_PASSWORD}@db.example:3306/fastopp",
        # Not refused in one line but a traceback (ValueError from urllib): still no password.
        f"postgres://fastopp:{DATABASE_PASSWORD}@db.example:notaport/fastopp",
    ],
)
def test_a_refused_database_url_shows_no_password(url: str) -> None:
    done = _run("check", DATABASE_URL=url)
    assert done.returncode != 0
    assert leaked(done.stdout + done.stderr) == []
