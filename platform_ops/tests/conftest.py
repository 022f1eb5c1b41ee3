"""The backup bucket the backup tests share: moto's S3 server on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from devtools.net import free_port
from platform_ops.services.file_backup import backup_client

BUCKET = "fastopp-backups"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(settings, s3_endpoint: str, request: pytest.FixtureRequest) -> Any:
    settings.BACKUP_S3_ENDPOINT_URL = s3_endpoint
    settings.BACKUP_S3_BUCKET = f"{BUCKET}-{abs(hash(request.node.name)) % 10**8}"
    settings.BACKUP_S3_REGION = "us-east-1"
    settings.BACKUP_S3_ACCESS_KEY = "test-access"
    settings.BACKUP_S3_SECRET_KEY = "test-secret"
    settings.BACKUP_S3_PREFIX = "backups/uploads"
    settings.BACKUP_DB_PREFIX = "backups/db"
    client = backup_client()
    client.create_bucket(Bucket=settings.BACKUP_S3_BUCKET)
    return client
