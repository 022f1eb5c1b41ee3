"""Request types shared by the apps' views (for type checking)."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """HttpRequest as django-htmx's middleware leaves it: ``request.htmx`` is always set."""

    htmx: HtmxDetails
