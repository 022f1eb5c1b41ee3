"""Platform health probes answer any Host over plain HTTP; nothing else does (fastopp_site.probes).

In production mode (DEBUG off, ALLOWED_HOSTS=app.example.com, SSL redirect on), through the
WSGI test client, Django's ASGI handler, and one real gunicorn + uvicorn worker.
"""

from __future__ import annotations

import http.client
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.http import HttpRequest
from django.test import AsyncClient, Client

from accounts.tests.factories import SuperuserFactory
from devtools.net import free_port, wait_until
from devtools.processes import ProcessGroup
from fastopp_site.probes import HEALTH_PATHS
from fastopp_site.tests.production import PUBLIC_HOST
from fastopp_site.tests.settings_env import ROOT, STRONG_KEY, environment_for_process

# Fly sends the machine's private address (IPv4 or IPv6, with or without the port),
# Railway its documented health-check host; the last one is anybody's.
PROBE_HOSTS = [
    "127.0.0.1",
    "127.0.0.1:8080",
    "healthcheck.railway.app",
    "[fdaa:0:1::3]",
    "[fdaa:0:1::3]:8080",
    "evil.example",
]
PLAIN: dict[str, str] = {}
HTTPS = {"x-forwarded-proto": "https"}
PAGES = ["/", "/license/", "/login/", "/protected/", "/admin/", "/api/docs"]


@pytest.mark.django_db
@pytest.mark.usefixtures("production")
@pytest.mark.parametrize("host", PROBE_HOSTS)
@pytest.mark.parametrize("path", sorted(HEALTH_PATHS))
def test_health_paths_answer_any_host_over_http_and_https(path: str, host: str) -> None:
    client = Client()
    for proto in (PLAIN, HTTPS):
        response = client.get(path, headers={"host": host, **proto})
        assert response.status_code == 200, (proto, response.content)
        assert response.json()["status"] == "ok"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-cache" in response["Cache-Control"]
        head = client.head(path, headers={"host": host, **proto})
        assert (head.status_code, head.content) == (200, b"")


@pytest.mark.django_db
@pytest.mark.usefixtures("production")
def test_probes_never_read_the_host_header(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("a health probe read the Host header")

    monkeypatch.setattr(HttpRequest, "get_host", refuse)
    monkeypatch.setattr(HttpRequest, "build_absolute_uri", refuse)
    for path in sorted(HEALTH_PATHS):
        assert Client().get(path, headers={"host": "evil.example"}).status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("production")
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/"),
        ("get", "/admin/"),
        ("get", "/api/docs"),
        ("get", "/login/"),
        ("get", "/health/"),
        ("get", "/healthz/"),
        ("get", "/Health"),
        ("get", "/health.json"),
        ("post", "/health"),
        ("post", "/healthz"),
        ("options", "/healthz"),
    ],
)
@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1", "healthcheck.railway.app"])
def test_a_foreign_host_is_still_refused_everywhere_else(method: str, path: str, host: str) -> None:
    client = Client()
    for proto in (PLAIN, HTTPS):
        response = getattr(client, method)(path, headers={"host": host, **proto})
        assert response.status_code == 400, (proto, response.status_code)


@pytest.mark.django_db
@pytest.mark.usefixtures("production")
@pytest.mark.parametrize("path", PAGES)
def test_the_public_host_serves_every_page_as_before(path: str) -> None:
    client = Client()
    client.force_login(SuperuserFactory.create())
    plain = client.get(path, headers={"host": PUBLIC_HOST})
    assert plain.status_code == 301
    assert plain["Location"] == f"https://{PUBLIC_HOST}{path}"
    response = client.get(path, headers={"host": PUBLIC_HOST, **HTTPS}, follow=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.django_db
@pytest.mark.usefixtures("production")
def test_a_post_to_health_from_the_public_host_is_refused_by_the_view() -> None:
    response = Client().post("/health", headers={"host": PUBLIC_HOST, **HTTPS})
    assert response.status_code == 405


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("production")
@pytest.mark.parametrize("host", PROBE_HOSTS)
async def test_health_paths_answer_any_host_under_asgi(host: str) -> None:
    client = AsyncClient()
    for path in sorted(HEALTH_PATHS):
        response = await client.get(path, headers={"host": host})
        assert response.status_code == 200, (path, response.content)
        assert response.json()["status"] == "ok"
        head = await client.head(path, headers={"host": host})
        assert head.status_code == 200
    assert (await client.get("/", headers={"host": host, **HTTPS})).status_code == 400
    assert (await client.post("/health", headers={"host": host})).status_code == 400


def _request(port: int, method: str, path: str, host: str, **headers: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, headers={"Host": host, **headers})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture
def gunicorn_port(tmp_path: Path) -> Iterator[int]:
    """The Procfile's web server in production mode, on a free port, with no migrated database.

    The health paths answer from the probes' own views, so no data is needed: /health says
    503 (no tables) and that is an answer, not a 400.
    """
    port = free_port()
    env = environment_for_process(
        ENVIRONMENT="production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS=PUBLIC_HOST,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        HOME=str(tmp_path),
    )
    # The Procfile's web command, on one worker and a loopback port.
    command = [sys.executable, "-m", "gunicorn", "fastopp_site.asgi:application",
               "--worker-class", "uvicorn_worker.UvicornWorker", "--workers", "1",
               "--bind", f"127.0.0.1:{port}", "--forwarded-allow-ips", "127.0.0.1,::1",
               "--no-control-socket"]  # fmt: skip
    with ProcessGroup(tmp_path, grace=30) as processes:
        process = processes.start("gunicorn", command, env=env, cwd=ROOT)

        def answers() -> bool:
            if process.poll() is not None:
                raise AssertionError(processes.log_text("gunicorn"))
            try:
                return _request(port, "GET", "/healthz", "127.0.0.1")[0] == 200
            except OSError:
                return False

        wait_until(answers, what="gunicorn answered /healthz", timeout=60, interval=0.1)
        yield port


@pytest.mark.slow
def test_the_production_server_answers_platform_probes(gunicorn_port: int) -> None:
    for host in PROBE_HOSTS:
        for method in ("GET", "HEAD"):
            for path in ("/healthz", "/kaithhealthcheck", "/kaithheathcheck"):
                status, body = _request(gunicorn_port, method, path, host)
                assert status == 200, (host, method, path, body)
            status, body = _request(gunicorn_port, method, "/health", host)
            assert status == 503, (host, method, body)
            assert body == b"" if method == "HEAD" else b'"database": "unreachable"' in body
        assert _request(gunicorn_port, "GET", "/", host)[0] == 400
        assert _request(gunicorn_port, "GET", "/", host, **{"X-Forwarded-Proto": "https"})[0] == 400
        assert _request(gunicorn_port, "POST", "/health", host)[0] == 400
    redirected = _request(gunicorn_port, "GET", "/", PUBLIC_HOST)
    assert redirected[0] == 301  # the public host still gets the HTTPS redirect
