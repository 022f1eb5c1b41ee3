from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView

from fastopp_site import views
from fastopp_site.api import api_urls
from fastopp_site.minimal_mode import demo_include

admin.site.site_header = "FastOpp Django administration"
admin.site.site_title = "FastOpp Django admin"
admin.site.index_title = "Site administration"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("license/", views.license_page, name="license"),
    # Ops routes come first: some live under /admin/ (FastOpp's backup paths).
    path("", include("platform_ops.urls")),
    path("", include("accounts.urls")),
    path("", include("catalog.reports.urls")),
    path("admin/", admin.site.urls),
    path("api/", api_urls()),
    path("docs", RedirectView.as_view(url="/api/docs", permanent=False)),
    # Uploads (STORAGE_TYPE=filesystem; the view answers 404 on S3, whose own URLs are used).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", views.uploaded_file, name="upload"),
    demo_include("catalog.urls"),
    demo_include("webinars.urls"),
    demo_include("chat.urls"),
    # Last: only what nothing above served (ninja's own routes come first).
    path("api/<path:rest>", views.api_not_found, name="api-not-found"),
]

if settings.BENCH_ENDPOINTS:
    # By name only, and only when enabled: the product never imports the benchmark.
    urlpatterns.append(path("bench/", include("bench.site.urls")))
