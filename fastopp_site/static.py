"""WhiteNoise as an async-capable middleware, and a manifest storage that never breaks a page.

WhiteNoise's own middleware is sync-only. Under ASGI, Django then runs the whole middleware
chain through a thread hop for every request, pages and API alike, just to let WhiteNoise
look up a path. This subclass looks up in the event loop, passes everything that is not a
static file straight on, and reads static files (small, hashed, compressed) in a thread
into an ordinary response, which also avoids Django's "synchronous iterator" warning.

With a manifest storage, Django raises ValueError for any ``{% static %}`` name missing from
the manifest, so one missing icon turns every page that shows it into a 500.
``LenientManifestStorage`` logs a warning and links the unhashed name instead (WhiteNoise
serves it when the file was collected); /health reports a missing manifest as a whole.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class AsyncWhiteNoiseMiddleware(WhiteNoiseMiddleware):  # type: ignore[misc]
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(get_response, *args, **kwargs)
        self._async = iscoroutinefunction(get_response)
        if self._async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self._async:
            return self._acall(request)
        return super().__call__(request)

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        if self.autorefresh:  # development: looks on disk, so off the event loop
            static_file = await sync_to_async(self.find_file)(request.path_info)
        else:
            static_file = self.files.get(request.path_info)
        if static_file is None:
            response: Awaitable[HttpResponseBase] = self.get_response(request)
            return await response
        return await sync_to_async(_read_static, thread_sensitive=False)(static_file, request)


def _read_static(static_file: Any, request: HttpRequest) -> HttpResponse:
    served = static_file.get_response(request.method, request.META)
    try:
        body = served.file.read() if served.file is not None else b""
    finally:
        if served.file is not None:
            served.file.close()
    response = HttpResponse(body, status=int(served.status))
    del response["Content-Type"]
    for key, value in served.headers:
        response[key] = value
    return response


class LenientManifestStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    """WhiteNoise's compressed manifest storage; a name missing from the manifest is logged."""

    # Strict, so a missing entry raises at once and is caught below: Django's non-strict
    # mode would instead hash the file from disk on every render, and raise when it is absent.
    manifest_strict = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._missing_logged: set[str] = set()

    def stored_name(self, name: str) -> str:
        try:
            stored: str = super().stored_name(name)
        except ValueError:
            if name not in self._missing_logged:  # once per name, not once per page
                self._missing_logged.add(name)
                logger.warning(
                    "static file %r is missing from the staticfiles manifest; linking it "
                    "unhashed (run python manage.py collectstatic --noinput)",
                    name,
                )
            return name
        return stored
