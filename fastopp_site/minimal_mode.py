"""MINIMAL_MODE (FastOpp's "oppdemo destroy"): the demo pages and APIs answer 404.

The demo routes are always in the URL conf and are switched off per request, so the
setting takes effect without rebuilding the URL conf (tests override it like any other).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404
from django.urls import Resolver404, URLResolver, include
from django.urls.resolvers import ResolverMatch, RoutePattern


class DemoURLResolver(URLResolver):
    """An included URL conf that resolves nothing while MINIMAL_MODE is on."""

    def resolve(self, path: str) -> ResolverMatch:
        if settings.MINIMAL_MODE:
            # As if the routes were absent: Django's 404 page, nothing tried.
            raise Resolver404({"path": path, "tried": []})
        return super().resolve(path)


def demo_include(module: str) -> DemoURLResolver:
    """`path("", include(module))` for a demo app's URLs."""
    urlconf, app_name, namespace = include(module)
    return DemoURLResolver(
        RoutePattern("", is_endpoint=False), urlconf, app_name=app_name, namespace=namespace
    )


def demo_only(run: Callable[..., Any]) -> Callable[..., Any]:
    """A django-ninja view decorator: the operation answers 404 while MINIMAL_MODE is on."""
    if inspect.iscoroutinefunction(run):

        @functools.wraps(run)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            if settings.MINIMAL_MODE:
                raise Http404("Not available in minimal mode.")
            return await run(*args, **kwargs)

        return run_async

    @functools.wraps(run)
    def run_sync(*args: Any, **kwargs: Any) -> Any:
        if settings.MINIMAL_MODE:
            raise Http404("Not available in minimal mode.")
        return run(*args, **kwargs)

    return run_sync
