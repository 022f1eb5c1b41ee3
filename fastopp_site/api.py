"""The JSON API: one django-ninja instance, one router per app, docs at /api/docs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Router

from catalog.api import router as catalog_router
from catalog.reports.api import router as reports_router
from chat.api import router as chat_router
from core.errors import AppError
from core.http import api_error_response
from fastopp_site.minimal_mode import demo_only
from platform_ops.api import router as ops_router
from webinars.api import router as webinars_router

api = NinjaAPI(
    title="FastOpp Django API",
    version="1.0.0",
    description="JSON endpoints of FastOpp Django, compatible with FastOpp's paths.",
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api",
)


@api.exception_handler(AppError)
def app_error(request: HttpRequest, exc: AppError) -> HttpResponse:
    # The one place where an application error becomes an API status.
    return api_error_response(exc)


# The demo apps' endpoints, switched off per request by MINIMAL_MODE.
demo_router = Router()
demo_router.add_decorator(demo_only, mode="view")
demo_router.add_router("/", catalog_router)
demo_router.add_router("/", webinars_router)
demo_router.add_router("/", chat_router)
api.add_router("/", demo_router)
api.add_router("/", reports_router)
api.add_router("/", ops_router)
