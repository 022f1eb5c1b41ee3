from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per task worker started by `manage.py run_worker`, refreshed while it lives.

    A RUNNING task whose worker stopped refreshing its row is recovered by `recover_tasks`.
    """

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    queues = models.CharField(max_length=255, blank=True)
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.hostname}"
