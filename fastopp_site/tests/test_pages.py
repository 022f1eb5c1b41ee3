"""Site-wide page rules: no asset from another host, health paths answer."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.tests.factories import SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db

# Any attribute that makes the browser fetch something: src, href, action, srcset, url().
FETCHING_ATTRIBUTE = re.compile(
    r"""(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)""", re.I
)
CSS_URL = re.compile(r"""url\(\s*["']?((?:https?:)?//[^)"']+)""", re.I)

PAGES = ["/", "/license/", "/login/", "/protected/", "/admin/", "/api/docs"]


def external_references(html: str) -> list[str]:
    found = FETCHING_ATTRIBUTE.findall(html) + CSS_URL.findall(html)
    # SVG's xmlns is a name, not a fetch.
    return [url for url in found if "www.w3.org" not in url]


@pytest.mark.parametrize("path", PAGES)
def test_pages_reference_no_external_host(client: Client, path: str) -> None:
    client.force_login(SuperuserFactory.create())
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert external_references(response.content.decode()) == []


def test_external_reference_detector_can_fail() -> None:
    html = '<script src="https://cdn.example.com/x.js"></script><link href="//fonts.example/a">'
    assert len(external_references(html)) == 2


@pytest.mark.parametrize("path", ["/healthz", "/kaithhealthcheck", "/kaithheathcheck"])
def test_liveness_paths(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_docs_redirects_to_api_docs(client: Client) -> None:
    response = client.get("/docs")
    assert response.status_code == 302
    assert response["Location"] == "/api/docs"


def test_refusals_and_missing_pages_are_site_pages_not_bare_errors(client: Client) -> None:
    client.force_login(UserFactory.create())
    refused = client.get("/reports/")
    assert refused.status_code == 403
    assert b"Not allowed" in refused.content
    assert b"/static/" in refused.content  # the site's layout, with its styles
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert b"Page not found" in missing.content
