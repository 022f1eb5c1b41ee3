"""The public webinar page and the staff registrant page (photos and notes without reloads)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from accounts.guards import staff_required
from core.http import HtmxHttpRequest
from webinars.forms import RegistrantNotesForm, RegistrantSearchForm
from webinars.models import Registrant
from webinars.photos import PhotoRejected, photo_too_large_message
from webinars.selectors import registrant_access, registrant_get, registrant_list, webinar_stats
from webinars.services import registrant_notes_update, registrant_photo_delete, registrant_photo_set
from webinars.uploads import PhotoSizeLimitHandler


@require_GET
def webinar_demo(request: HtmxHttpRequest) -> HttpResponse:
    # The attendee grid itself arrives by htmx from GET /api/webinar-attendees.
    return render(request, "webinars/webinar_demo.html", {"stats": webinar_stats()})


def _require_registrant_access(request: HtmxHttpRequest) -> None:
    if registrant_access(user=request.user) == "none":
        raise PermissionDenied("Your role cannot see webinar registrants.")


def _registrant_or_404(request: HtmxHttpRequest, registrant_id: int) -> Registrant:
    registrant = registrant_get(user=request.user, registrant_id=registrant_id)
    if registrant is None:
        raise Http404("No such registrant.")
    return registrant


@require_GET
@staff_required
def webinar_registrants(request: HtmxHttpRequest) -> HttpResponse:
    _require_registrant_access(request)
    form = RegistrantSearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    registrants = list(registrant_list(user=request.user, search=search))
    context = {"form": form, "registrants": registrants, "search": search}
    if request.htmx and request.htmx.target == "registrant-list":
        return render(request, "webinars/_registrant_list.html", context)
    return render(request, "webinars/registrants.html", context)


def _card_response(
    request: HtmxHttpRequest, registrant: Registrant, *, success: str = "", error: str = ""
) -> HttpResponse:
    """htmx gets the updated card; a plain form post gets the page back with a message."""
    if request.htmx:
        return render(
            request,
            "webinars/_registrant_card.html",
            {"registrant": registrant, "success": success, "error": error},
        )
    if error:
        messages.error(request, f"{registrant.name}: {error}")
    else:
        messages.success(request, f"{registrant.name}: {success}")
    return redirect("webinars:registrants")


@csrf_exempt  # only so the size cap can be installed first; CSRF is checked just below
@require_POST
@staff_required
def registrant_photo_upload(request: HtmxHttpRequest, registrant_id: int) -> HttpResponse:
    limiter = PhotoSizeLimitHandler(request)
    request.upload_handlers = [limiter, *request.upload_handlers]
    return _registrant_photo_upload(request, registrant_id, limiter)


@csrf_protect
def _registrant_photo_upload(
    request: HtmxHttpRequest, registrant_id: int, limiter: PhotoSizeLimitHandler
) -> HttpResponse:
    _require_registrant_access(request)
    registrant = _registrant_or_404(request, registrant_id)
    upload = request.FILES.get("photo")  # parses the body, through the limiter
    if limiter.exceeded:
        return _card_response(request, registrant, error=photo_too_large_message())
    if upload is None:
        return _card_response(request, registrant, error="Choose a photo to upload.")
    try:
        registrant_photo_set(registrant=registrant, stream=upload, size=upload.size)
    except PhotoRejected as exc:
        return _card_response(request, registrant, error=str(exc))
    return _card_response(request, registrant, success="Photo saved.")


@require_POST
@staff_required
def registrant_photo_remove(request: HtmxHttpRequest, registrant_id: int) -> HttpResponse:
    _require_registrant_access(request)
    registrant = _registrant_or_404(request, registrant_id)
    registrant_photo_delete(registrant=registrant)
    return _card_response(request, registrant, success="Photo deleted.")


@require_POST
@staff_required
def registrant_notes_save(request: HtmxHttpRequest, registrant_id: int) -> HttpResponse:
    _require_registrant_access(request)
    registrant = _registrant_or_404(request, registrant_id)
    form = RegistrantNotesForm(request.POST)
    if not form.is_valid():
        return _card_response(request, registrant, error="Notes are limited to 5000 characters.")
    registrant_notes_update(registrant=registrant, notes=form.cleaned_data["notes"])
    return _card_response(request, registrant, success="Notes saved.")
