from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from platform_ops.services.workers import tasks_recover


class Command(BaseCommand):
    help = "Re-queue (or fail) RUNNING tasks whose worker stopped sending heartbeats."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stale-seconds", type=float, default=None)
        parser.add_argument("--max-attempts", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        result = tasks_recover(
            stale_seconds=options["stale_seconds"], max_attempts=options["max_attempts"]
        )
        self.stdout.write(f"re-queued {len(result.requeued)}, failed {len(result.failed)}")
