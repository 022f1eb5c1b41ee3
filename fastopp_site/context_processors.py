from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "minimal_mode": settings.MINIMAL_MODE,
        "environment": settings.ENVIRONMENT,
    }
