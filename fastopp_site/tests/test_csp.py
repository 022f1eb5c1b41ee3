"""Every response carries the one Content-Security-Policy header, exactly as documented."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import LazySettings
from django.test import Client

from fastopp_site.middleware import csp_directives_order
from fastopp_site.tests.csp_pages import EXPECTED_CSP, csp_pages
from fastopp_site.tests.production import production_settings_apply
from fastopp_site.tests.settings_env import settings_from

pytestmark = pytest.mark.django_db

CSP = "Content-Security-Policy"


@pytest.fixture
def superuser_client(client: Client, demo: Any, superuser: Any) -> Client:
    client.force_login(superuser)
    return client


@pytest.fixture
def demo(db: None) -> Any:
    from platform_ops.demo import demo_load

    return demo_load()


def test_every_page_sends_the_exact_policy(superuser_client: Client) -> None:
    seen = {}
    for path in csp_pages():
        response = superuser_client.get(path)
        assert response.status_code == 200, path
        seen[path] = response.get(CSP)
    assert seen == dict.fromkeys(seen, EXPECTED_CSP)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/login/", 200),
        ("/license/", 200),
        ("/protected/", 302),  # the redirect to the login page
        ("/no-such-page/", 404),
        ("/api/openapi.json", 200),
    ],
)
def test_anonymous_responses_send_it_too(client: Client, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response[CSP] == EXPECTED_CSP


def test_a_csrf_failure_page_sends_it(client: Client) -> None:
    checked = Client(enforce_csrf_checks=True)
    response = checked.post("/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert response[CSP] == EXPECTED_CSP


def test_production_sends_the_same_policy(
    client: Client, settings: LazySettings, tmp_path: Any
) -> None:
    development = settings_from(ENVIRONMENT="development")
    production = settings_from(ENVIRONMENT="production", SECRET_KEY="x" * 60)
    assert production["CONTENT_SECURITY_POLICY"] == development["CONTENT_SECURITY_POLICY"]
    production_settings_apply(settings=settings, static_root=tmp_path / "static", manifest=False)
    response = client.get("/login/", secure=True, headers={"host": "app.example.com"})
    assert response.status_code == 200
    assert response[CSP] == EXPECTED_CSP


def test_no_page_allows_inline_script_or_eval() -> None:
    # The policy itself: a change that loosens it must change this test too.
    assert "unsafe" not in EXPECTED_CSP
    assert "script-src 'self';" in EXPECTED_CSP


def test_directives_keep_the_settings_order(settings: LazySettings) -> None:
    shuffled = "img-src 'self' data:; default-src 'self'; worker-src 'self'; script-src 'self'"
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {"default-src": [], "script-src": [], "img-src": []}
    }
    assert csp_directives_order(policy=shuffled) == (
        "default-src 'self'; script-src 'self'; img-src 'self' data:; worker-src 'self'"
    )
