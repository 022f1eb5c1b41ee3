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
]
