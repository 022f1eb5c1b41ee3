from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView

from fastopp_site import views
from fastopp_site.api import api

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
    path("api/", api.urls),
    path("docs", RedirectView.as_view(url="/api/docs", permanent=False)),
]

if settings.STORAGE_TYPE == "filesystem":
    # Uploads are served by Django in development and production alike (platforms without a
    # separate file server); on S3 the storage's own URLs are used instead.
    urlpatterns.append(
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", views.uploaded_file, name="upload")
    )

if not settings.MINIMAL_MODE:
    urlpatterns += [
        path("", include("catalog.urls")),
        path("", include("webinars.urls")),
        path("", include("chat.urls")),
    ]

if settings.BENCH_ENDPOINTS:
    urlpatterns.append(path("bench/", include("fastopp_site.bench_urls")))
