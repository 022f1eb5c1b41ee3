"""The demo orchestrator, through the init-demo task."""

from __future__ import annotations

import pytest

from accounts.models import User
from platform_ops.tasks import demo_init

pytestmark = pytest.mark.django_db


def test_demo_init_task_loads_demo_data_and_is_idempotent():
    first = demo_init.call(reset=False)
    users = User.objects.count()
    second = demo_init.call(reset=False)
    assert User.objects.count() == users
    assert first["steps"]["users"]["total"] == second["steps"]["users"]["total"]
    assert second["steps"]["users"]["created"] == 0
