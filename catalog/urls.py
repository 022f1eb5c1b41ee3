from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from catalog import views

app_name = "catalog"

urlpatterns: list[URLPattern | URLResolver] = [
    path("database-demo/", views.database_demo, name="database_demo"),
    path("design-demo/", views.design_demo, name="design_demo"),
    path("design-demo/stats/", views.design_demo_stats, name="design_demo_stats"),
    path("design-demo/suggest/", views.design_demo_suggest, name="design_demo_suggest"),
]
