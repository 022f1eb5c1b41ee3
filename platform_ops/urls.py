from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from platform_ops import views

app_name = "platform_ops"

urlpatterns: list[URLPattern | URLResolver] = [
    path("health", views.health, name="health"),
    path("healthz", views.liveness, name="healthz"),
    path("kaithhealthcheck", views.liveness, name="kaithhealthcheck"),
    # The misspelling is what LeapCell's probe requests.
    path("kaithheathcheck", views.liveness, name="kaithheathcheck"),
    path("async/init-demo", views.init_demo, name="init_demo"),
    # FastOpp's paths; listed before the admin's own URLs, which would claim /admin/*.
    path("admin/backup-files", views.backup_files, name="backup_files"),
    path("admin/restore-files", views.restore_files, name="restore_files"),
    path("debug/simple", views.debug_simple, name="debug_simple"),
    path("debug/database", views.debug_database, name="debug_database"),
    path("debug/database-data", views.debug_database_data, name="debug_database_data"),
    path("ops/", views.ops_page, name="ops"),
    path("ops/login/<str:token>", views.emergency_login, name="emergency_login"),
    path("reports/", views.reports_page, name="reports"),
    path("reports/inline/", views.report_inline, name="report_inline"),
    path("reports/runs/<int:report_run_id>/", views.report_run_detail, name="report_run"),
    path("reports/runs/<int:report_run_id>/csv", views.report_run_csv, name="report_run_csv"),
]
