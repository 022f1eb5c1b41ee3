from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "webinars"

urlpatterns: list[URLPattern | URLResolver] = []
