"""The site's URLs plus the /bench/ endpoints, as a server with BENCH_ENDPOINTS=true has."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from fastopp_site.urls import urlpatterns as site_urlpatterns

urlpatterns: list[URLPattern | URLResolver] = [
    *site_urlpatterns,
    path("bench/", include("bench.site.urls")),
]
