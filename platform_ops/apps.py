from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.signals import request_started


def _task_runner_start_on_request(sender: Any, **kwargs: Any) -> None:
    # The first request starts this process's runner, so tasks queued before a restart,
    # or re-queued by recovery, run without waiting for a new task to be queued here.
    from platform_ops.services.task_runner import task_runner_start

    task_runner_start()
    request_started.disconnect(dispatch_uid="platform_ops.task_runner")


class PlatformOpsConfig(AppConfig):
    name = "platform_ops"
    verbose_name = "Platform operations"

    def ready(self) -> None:
        # Only web requests start it: migrate, shells and the worker run no runner thread.
        if settings.TASKS_BACKEND == "thread":
            request_started.connect(
                _task_runner_start_on_request, dispatch_uid="platform_ops.task_runner"
            )
