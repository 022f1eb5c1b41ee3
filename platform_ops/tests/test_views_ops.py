"""The ops page (platform_ops.views.ops)."""

from __future__ import annotations

import pytest

from accounts.tests.factories import SuperuserFactory
from core.tasks import TaskResultStatus
from platform_ops.tests.factories import TaskResultFactory

pytestmark = pytest.mark.django_db


def _ready_task(**fields):
    return TaskResultFactory.create(**fields)


def test_ops_page_shows_platform_queue_and_recent_tasks(client, settings):
    settings.PLATFORM = "leapcell"
    _ready_task(status=TaskResultStatus.READY)
    client.force_login(SuperuserFactory())
    response = client.get("/ops/")
    assert response.status_code == 200
    assert b"leapcell" in response.content
    assert b"demo_init" in response.content
