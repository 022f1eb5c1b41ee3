"""Platform health probes, answered before Django's host check and SSL redirect.

Fly's checker sends the machine's private address as ``Host`` (``127.0.0.1:8080``,
``[fdaa:...]:8080``), Railway's sends ``healthcheck.railway.app``, and both come over plain
HTTP from inside the platform's network. ``ALLOWED_HOSTS`` holds the public name only, so
Django's host check (``CommonMiddleware`` reads ``request.get_host()`` on every request)
would answer them 400, and the platform would never route traffic to the app.

This middleware, first in MIDDLEWARE, hands exactly the health paths, for GET and HEAD
only, to their views (found through the URLconf), skipping the rest of the chain. Nothing
on that path reads the Host header, so any value answers. Everything else, including
``POST /health`` and ``/health/``, goes down the normal chain and its host check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync, iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.http import HttpRequest, HttpResponseBase
from django.urls import Resolver404, resolve

HEALTH_PATHS = frozenset({"/health", "/healthz", "/kaithhealthcheck", "/kaithheathcheck"})
PROBE_METHODS = frozenset({"GET", "HEAD"})

View = Callable[..., Any]


class HealthProbes:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self._async = iscoroutinefunction(get_response)
        if self._async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self._async:
            return self._acall(request)
        view = _probe_view(request)
        if view is None:
            return self.get_response(request)
        response = async_to_sync(view)(request) if iscoroutinefunction(view) else view(request)
        return _probe_headers(response)

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        view = _probe_view(request)
        if view is None:
            response: HttpResponseBase = await self.get_response(request)
            return response
        if iscoroutinefunction(view):
            response = await view(request)
        else:
            # The health view queries the database: in a thread, as Django runs sync views.
            response = await sync_to_async(view)(request)
        return _probe_headers(response)


def _probe_view(request: HttpRequest) -> View | None:
    if request.method not in PROBE_METHODS or request.path_info not in HEALTH_PATHS:
        return None
    try:
        return resolve(request.path_info).func
    except Resolver404:  # the health URLs are not installed: nothing to answer early
        return None


def _probe_headers(response: HttpResponseBase) -> HttpResponseBase:
    # The one SecurityMiddleware header that matters for a JSON body it no longer passes.
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response
