"""Uploaded files are served by Django only with STORAGE_TYPE=filesystem (fastopp_site.views)."""

from __future__ import annotations

import pytest
from django.conf import LazySettings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored_png() -> str:
    return default_storage.save("photos/dot.png", ContentFile(b"\x89PNG\r\n\x1a\n"))


def test_a_stored_upload_is_served_on_the_filesystem(client: Client, stored_png: str) -> None:
    response = client.get(f"/uploads/{stored_png}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_uploads_are_not_served_by_django_on_s3(
    client: Client, stored_png: str, settings: LazySettings
) -> None:
    settings.STORAGE_TYPE = "s3"
    assert client.get(f"/uploads/{stored_png}").status_code == 404
