# ReportRun, moved here from platform_ops: its table was renamed by platform_ops 0002, so
# this migration changes the state only.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("platform_ops", "0002_move_reportrun_and_logintoken"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ReportRun",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("report", models.CharField(max_length=64)),
                        ("parameters", models.JSONField(blank=True, default=dict)),
                        ("status", models.CharField(choices=[("queued", "Queued"), ("running", "Running"), ("succeeded", "Succeeded"), ("failed", "Failed")], default="queued", max_length=16)),
                        ("task_id", models.CharField(blank=True, max_length=64)),
                        ("queued_at", models.DateTimeField(auto_now_add=True)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("duration_ms", models.PositiveIntegerField(blank=True, null=True)),
                        ("row_count", models.PositiveIntegerField(blank=True, null=True)),
                        ("result", models.JSONField(blank=True, null=True)),
                        ("error", models.TextField(blank=True)),
                        ("requested_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="report_runs", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "ordering": ["-queued_at"],
                        "indexes": [models.Index(fields=["report", "-queued_at"], name="platform_op_report_ee179b_idx")],
                    },
                ),
            ],
        ),
    ]
