"""Static files in production: a missing manifest fails /health, a missing entry no page."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import Client, override_settings

from fastopp_site.tests.production import PUBLIC_HOST

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("production")]

HTTPS = {"host": PUBLIC_HOST, "x-forwarded-proto": "https"}
MISSING_ENTRY = "missing from the staticfiles manifest"


def render_static(name: str) -> str:
    return Template("{% load static %}{% static name %}").render(Context({"name": name}))


def test_a_page_renders_when_its_static_files_are_missing_from_the_manifest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="fastopp_site.static"):
        response = Client().get("/", headers=HTTPS)
    assert response.status_code == 200
    assert any(MISSING_ENTRY in message for message in caplog.messages)


def test_a_missing_entry_links_the_unhashed_name_and_warns_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="fastopp_site.static"):
        assert render_static("icons/missing.svg") == "/static/icons/missing.svg"
        assert render_static("icons/missing.svg") == "/static/icons/missing.svg"
    assert [m for m in caplog.messages if MISSING_ENTRY in m and "icons/missing.svg" in m] != []
    assert len([m for m in caplog.messages if MISSING_ENTRY in m]) == 1


def test_a_collected_file_still_links_its_hashed_name(production: Path) -> None:
    payload = {"paths": {"css/site.css": "css/site.0123abcd.css"}, "version": "1.1", "hash": "1"}
    (production / "staticfiles.json").write_text(json.dumps(payload))
    with override_settings(STATIC_ROOT=production):  # re-reads the manifest
        assert render_static("css/site.css") == "/static/css/site.0123abcd.css"


def test_whitenoise_storage_alone_would_fail_the_page(production: Path) -> None:
    # The reason for fastopp_site.static.LenientManifestStorage: the stock storage raises.
    storage = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    with (
        override_settings(STORAGES={"staticfiles": storage}),
        pytest.raises(ValueError, match="Missing staticfiles manifest"),
    ):
        render_static("icons/missing.svg")


def test_health_is_503_with_a_static_entry_when_the_manifest_is_missing(production: Path) -> None:
    (production / "staticfiles.json").unlink()
    client = Client()
    response = client.get("/health", headers={"host": "127.0.0.1:8080"})
    assert response.status_code == 503
    body = response.json()
    assert body["static"] == "manifest missing: run python manage.py collectstatic --noinput"
    assert body["status"] == "error"
    for liveness in ("/healthz", "/kaithhealthcheck", "/kaithheathcheck"):
        assert client.get(liveness, headers={"host": "127.0.0.1:8080"}).status_code == 200


def test_health_is_200_when_the_manifest_is_present() -> None:
    response = Client().get("/health", headers={"host": "healthcheck.railway.app"})
    assert response.status_code == 200
    assert response.json()["static"] == "ok"
