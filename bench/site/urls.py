from __future__ import annotations

from django.urls import URLPattern, path

from bench.site import views as bench_views

urlpatterns: list[URLPattern] = [
    path("chat-blocking", bench_views.chat_blocking, name="bench_chat_blocking"),
    path("reports/<str:report>", bench_views.report_async, name="bench_report_async"),
    path("sleep", bench_views.sleep_query, name="bench_sleep"),
]
