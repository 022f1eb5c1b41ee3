from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from catalog.reports import views

app_name = "reports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/", views.reports_page, name="reports"),
    path("reports/inline/", views.report_inline, name="report_inline"),
    path("reports/runs/<int:report_run_id>/", views.report_run_detail, name="report_run"),
    path("reports/runs/<int:report_run_id>/csv", views.report_run_csv, name="report_run_csv"),
]
