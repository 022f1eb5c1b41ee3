from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from catalog.reports.selectors import user_may_use_reports


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "minimal_mode": settings.MINIMAL_MODE,
        "environment": settings.ENVIRONMENT,
        # Called by the template only where a link depends on it (one groups query then).
        "may_use_reports": lambda: user_may_use_reports(user=request.user),
    }
