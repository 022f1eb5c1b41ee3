from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from platform_ops.views import debug, health, operations, ops

app_name = "platform_ops"

urlpatterns: list[URLPattern | URLResolver] = [
    path("health", health.health, name="health"),
    path("healthz", health.liveness, name="healthz"),
    path("kaithhealthcheck", health.liveness, name="kaithhealthcheck"),
    # The misspelling is what LeapCell's probe requests.
    path("kaithheathcheck", health.liveness, name="kaithheathcheck"),
    path("async/init-demo", operations.init_demo, name="init_demo"),
    # FastOpp's paths; listed before the admin's own URLs, which would claim /admin/*.
    path("admin/backup-files", operations.backup_files, name="backup_files"),
    path("admin/restore-files", operations.restore_files, name="restore_files"),
    path("admin/backup-db", operations.backup_db, name="backup_db"),
    path("debug/simple", debug.debug_simple, name="debug_simple"),
    path("debug/database", debug.debug_database, name="debug_database"),
    path("debug/database-data", debug.debug_database_data, name="debug_database_data"),
    path("ops/", ops.ops_page, name="ops"),
]
