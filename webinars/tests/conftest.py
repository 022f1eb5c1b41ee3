"""Fixtures for webinar tests: demo data, image files and a real S3 server on loopback."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import LazySettings

S3_BUCKET = "fastopp-test"


@pytest.fixture
def demo(db: None) -> Any:
    from platform_ops.demo import demo_load

    return demo_load()


@pytest.fixture(scope="session")
def moto_s3_endpoint() -> Iterator[str]:
    """moto's S3 as a real HTTP server on a free loopback port, for the whole session."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name="us-east-1",
        ).create_bucket(Bucket=S3_BUCKET)
        yield endpoint
    finally:
        server.stop()


def s3_storage_options(endpoint: str, location: str) -> dict[str, Any]:
    from botocore.config import Config

    return {
        "access_key": "test",
        "secret_key": "test",
        "bucket_name": S3_BUCKET,
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "location": location,
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": False,
        "client_config": Config(
            s3={"addressing_style": "path"},
            signature_version="s3v4",
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        ),
    }


@pytest.fixture(params=["filesystem", "s3"])
def storage_kind(request: pytest.FixtureRequest, settings: LazySettings) -> str:
    """Run a test on the local filesystem (conftest's tmp dir) and on moto's S3."""
    if request.param == "s3":
        endpoint = request.getfixturevalue("moto_s3_endpoint")
        # A fresh prefix per test: "nothing was stored" is checked by listing it.
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": s3_storage_options(endpoint, f"t-{uuid.uuid4().hex}"),
            },
        }
    return str(request.param)
