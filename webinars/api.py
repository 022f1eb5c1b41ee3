"""Webinar endpoints: public listings, the attendees grid and staff registrant management."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from accounts.guards import api_auth
from core import limits
from core.errors import AppError, ErrorKind
from core.schemas import api_responses
from webinars.models import Registrant, Webinar
from webinars.selectors import (
    registrant_access,
    registrant_get,
    registrant_list,
    registrant_public_list,
    webinar_get,
    webinar_list,
)
from webinars.services import registrant_notes_update, registrant_photo_delete, registrant_photo_set

router = Router(tags=["webinars"])


class WebinarOut(Schema):
    id: int
    title: str
    description: str
    presenter: str
    starts_at: datetime
    duration_minutes: int
    registrant_count: int


class AttendeeOut(Schema):
    """What the public page may show: no email, no notes, no sales data."""

    id: int
    name: str
    company: str
    job_title: str
    webinar_title: str
    status: str
    photo_url: str | None

    @staticmethod
    def resolve_webinar_title(obj: Registrant) -> str:
        return obj.webinar.title

    @staticmethod
    def resolve_photo_url(obj: Registrant) -> str | None:
        return obj.photo.url if obj.photo else None


class AttendeesOut(Schema):
    attendees: list[AttendeeOut]


class RegistrantOut(AttendeeOut):
    email: str
    webinar_id: int
    group: str
    is_public: bool
    notes: str
    sales_rep: str | None
    registered_at: datetime

    @staticmethod
    def resolve_sales_rep(obj: Registrant) -> str | None:
        return obj.sales_rep.email if obj.sales_rep else None


class RegistrantsOut(Schema):
    registrants: list[RegistrantOut]


RegistrantId = Annotated[int, limits.primary_key(Registrant)]
WebinarId = Annotated[int, limits.primary_key(Webinar)]
SearchText = Annotated[str, limits.bounded_text(limits.SEARCH_MAX_LENGTH)]


class NotesIn(limits.InputSchema):
    # The page's notes form reads the same limit from the model.
    notes: Annotated[str, limits.text(Registrant, "notes")]


@router.get("/webinars", response=api_responses({200: list[WebinarOut]}, demo=True))
def webinars(request: HttpRequest) -> list[Webinar]:
    return list(webinar_list())


@router.get(
    "/webinars/{webinar_id}",
    response=api_responses({200: WebinarOut}, demo=True, params=True, errors=[404]),
)
def webinar_detail(request: HttpRequest, webinar_id: WebinarId) -> Webinar:
    webinar = webinar_get(webinar_id=webinar_id)
    if webinar is None:
        raise AppError("Webinar not found.", kind=ErrorKind.NOT_FOUND, code="not_found")
    return webinar


@router.get(
    "/webinar-attendees",
    response=api_responses({200: AttendeesOut}, demo=True),
    summary="Public attendees (JSON, or the grid partial for htmx)",
)
def webinar_attendees(request: HttpRequest) -> HttpResponse | dict[str, list[Registrant]]:
    attendees = list(registrant_public_list())
    if request.headers.get("HX-Request") == "true":
        return render(request, "webinars/_attendees_grid.html", {"attendees": attendees})
    return {"attendees": attendees}


def _registrant_for_staff(request: HttpRequest, registrant_id: int) -> Registrant:
    if registrant_access(user=request.user) == "none":
        raise AppError(
            "Your role cannot see registrants.", kind=ErrorKind.FORBIDDEN, code="forbidden"
        )
    registrant = registrant_get(user=request.user, registrant_id=registrant_id)
    if registrant is None:
        # Same answer for "missing" and "someone else's": ids do not leak.
        raise AppError("Registrant not found.", kind=ErrorKind.NOT_FOUND, code="not_found")
    return registrant


@router.get(
    "/registrants",
    auth=api_auth,
    response=api_responses({200: RegistrantsOut}, demo=True, params=True, auth=True),
    summary="Registrants you may see (sales: only yours)",
)
def registrants(request: HttpRequest, search: SearchText = "") -> dict[str, list[Registrant]]:
    if registrant_access(user=request.user) == "none":
        raise AppError(
            "Your role cannot see registrants.", kind=ErrorKind.FORBIDDEN, code="forbidden"
        )
    return {"registrants": list(registrant_list(user=request.user, search=search))}


@router.get(
    "/registrants/{registrant_id}",
    auth=api_auth,
    response=api_responses({200: RegistrantOut}, demo=True, params=True, auth=True, errors=[404]),
)
def registrant_detail(request: HttpRequest, registrant_id: RegistrantId) -> Registrant:
    return _registrant_for_staff(request, registrant_id)


@router.patch(
    "/registrants/{registrant_id}",
    auth=api_auth,
    response=api_responses(
        {200: RegistrantOut}, demo=True, body=True, params=True, auth=True, errors=[404]
    ),
    summary="Update a registrant's notes",
)
def registrant_notes(
    request: HttpRequest, registrant_id: RegistrantId, payload: NotesIn
) -> Registrant:
    registrant = _registrant_for_staff(request, registrant_id)
    return registrant_notes_update(registrant=registrant, notes=payload.notes)


@router.post(
    "/registrants/{registrant_id}/photo",
    auth=api_auth,
    response=api_responses(
        {200: RegistrantOut}, demo=True, body=True, params=True, auth=True, errors=[404]
    ),
    summary="Upload or replace a registrant's photo (JPEG, PNG or WebP, 5 MB at most)",
)
def registrant_photo_upload(
    request: HttpRequest, registrant_id: RegistrantId, photo: File[UploadedFile]
) -> Registrant:
    registrant = _registrant_for_staff(request, registrant_id)
    return registrant_photo_set(registrant=registrant, stream=photo, size=photo.size)


@router.delete(
    "/registrants/{registrant_id}/photo",
    auth=api_auth,
    response=api_responses({200: RegistrantOut}, demo=True, params=True, auth=True, errors=[404]),
)
def registrant_photo_remove(request: HttpRequest, registrant_id: RegistrantId) -> Registrant:
    registrant = _registrant_for_staff(request, registrant_id)
    return registrant_photo_delete(registrant=registrant)
