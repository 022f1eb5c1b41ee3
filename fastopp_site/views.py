"""Project-wide pages that belong to no single app."""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from core.http import api_error_body


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@require_GET
def license_page(request: HttpRequest) -> HttpResponse:
    return render(request, "license.html")


# Served inline only as images; anything else (should it ever be stored) downloads.
_INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}


@require_GET
def uploaded_file(request: HttpRequest, path: str) -> FileResponse:
    """Serve a stored upload (STORAGE_TYPE=filesystem) so that it can never run as a page.

    The storage API resolves the path inside the upload folder (``../`` is refused), and
    the headers forbid sniffing, scripts and framing whatever the file contains.
    """
    if settings.STORAGE_TYPE != "filesystem":
        # Uploads are served by Django in development and production alike (platforms
        # without a separate file server); on S3 the storage's own URLs are used instead.
        raise Http404("No such file.")
    try:
        if not default_storage.exists(path):
            raise Http404("No such file.")
        handle = default_storage.open(path, "rb")
    except (SuspiciousFileOperation, ValueError) as exc:
        raise Http404("No such file.") from exc
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    inline = content_type in _INLINE_TYPES
    response = FileResponse(
        handle,
        content_type=content_type if inline else "application/octet-stream",
        as_attachment=not inline,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "public, max-age=86400"
    return response


@csrf_exempt
def api_not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Any /api/ path no operation serves: the API's 404 shape, not the site's HTML page."""
    return api_error_body(detail="No API endpoint at this path.", code="not_found", status=404)
