"""Writes for webinars and registrants: photos, notes, role grants and demo data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils.dateparse import parse_datetime

from accounts.models import User
from accounts.roles import Role
from accounts.services import group_model_permissions_sync
from webinars.models import Registrant, Webinar
from webinars.photos import PHOTO_DIR, photo_normalise

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "webinars.json"
DEMO_PHOTOS_DIR = Path(settings.BASE_DIR) / "fixtures" / "photos"
ALL_ACTIONS = ("add", "change", "delete", "view")


def _photo_delete_after_commit(*, registrant: Registrant, name: str) -> None:
    storage = registrant.photo.storage
    # Only after the row points elsewhere for good: a rollback must not leave it dangling.
    transaction.on_commit(lambda: storage.delete(name))


def registrant_photo_set(
    *, registrant: Registrant, stream: IO[bytes], size: int | None
) -> Registrant:
    """Store a new photo for ``registrant`` and delete the one it replaces.

    Raises ``PhotoRejected`` before anything is stored when the file is not an acceptable photo.
    """
    content = photo_normalise(stream=stream, size=size)
    storage = registrant.photo.storage
    old_name = registrant.photo.name
    new_name = storage.save(f"{PHOTO_DIR}/{content.name}", content)
    try:
        with transaction.atomic():
            registrant.photo.name = new_name
            registrant.save(update_fields=["photo", "updated_at"])
    except Exception:
        storage.delete(new_name)
        raise
    if old_name:
        _photo_delete_after_commit(registrant=registrant, name=old_name)
    return registrant


def registrant_photo_delete(*, registrant: Registrant) -> Registrant:
    old_name = registrant.photo.name
    if not old_name:
        return registrant
    registrant.photo.name = ""
    registrant.save(update_fields=["photo", "updated_at"])
    _photo_delete_after_commit(registrant=registrant, name=old_name)
    return registrant


def registrant_notes_update(*, registrant: Registrant, notes: str) -> Registrant:
    registrant.notes = notes.strip()
    registrant.save(update_fields=["notes", "updated_at"])
    return registrant


def webinars_role_permissions_sync() -> None:
    """Give FastOpp's roles their Django permissions, so the admin shows the right models.

    Sales gets view/change on registrants only; which rows it sees is decided per object in
    webinars.selectors.registrant_access.
    """
    everything = {"webinar": ALL_ACTIONS, "registrant": ALL_ACTIONS}
    group_model_permissions_sync(role=Role.ADMIN, app_label="webinars", grants=everything)
    group_model_permissions_sync(role=Role.MARKETING, app_label="webinars", grants=everything)
    group_model_permissions_sync(
        role=Role.SALES, app_label="webinars", grants={"registrant": ("view", "change")}
    )
    group_model_permissions_sync(role=Role.SUPPORT, app_label="webinars", grants={})


@dataclass(frozen=True)
class WebinarsDemoResult:
    webinars_created: int
    registrants_created: int
    registrants_reset: int
    removed: int
    photos: int


def _starts_at(value: str) -> datetime:
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValueError(f"Bad date in {DEMO_FILE.name}: {value!r}")
    return parsed


def _registrant_fields(row: dict[str, Any], webinars: dict[str, Webinar]) -> dict[str, Any]:
    return {
        "webinar": webinars[row["webinar"]],
        "name": row["name"],
        "company": row["company"],
        "job_title": row.get("job_title", ""),
        "status": row["status"],
        "sales_rep": User.objects.filter(email__iexact=row["sales_rep"]).first()
        if row.get("sales_rep")
        else None,
        "group": row.get("group", ""),
        "is_public": row["is_public"],
        "notes": row.get("notes", ""),
    }


def _demo_photo_apply(*, registrant: Registrant, filename: str) -> bool:
    if not filename:
        registrant_photo_delete(registrant=registrant)
        return False
    path = DEMO_PHOTOS_DIR / filename
    with path.open("rb") as stream:
        registrant_photo_set(registrant=registrant, stream=stream, size=path.stat().st_size)
    return True


@transaction.atomic
def webinars_demo_load(*, reset: bool = False) -> WebinarsDemoResult:
    """Load the demo webinars and registrants (with photos) from fixtures/webinars.json.

    Rows are matched by webinar title and registrant email, so a second run adds nothing.
    Without ``reset`` existing rows are left as users edited them; with it they are put
    back as shipped and rows that are not part of the demo are removed.
    """
    data = json.loads(DEMO_FILE.read_text())
    webinars: dict[str, Webinar] = {}
    webinars_created = 0
    for row in data["webinars"]:
        defaults = {
            "description": row["description"],
            "presenter": row["presenter"],
            "starts_at": _starts_at(row["starts_at"]),
            "duration_minutes": row["duration_minutes"],
        }
        if reset:
            webinar, created = Webinar.objects.update_or_create(
                title=row["title"], defaults=defaults
            )
        else:
            webinar, created = Webinar.objects.get_or_create(title=row["title"], defaults=defaults)
        webinars[row["title"]] = webinar
        webinars_created += created

    created_count = reset_count = photos = 0
    kept_ids: list[int] = []
    for row in data["registrants"]:
        fields = _registrant_fields(row, webinars)
        registrant = Registrant.objects.filter(
            webinar=fields["webinar"], email__iexact=row["email"]
        ).first()
        if registrant is None:
            registrant = Registrant.objects.create(email=row["email"], **fields)
            created_count += 1
            photos += _demo_photo_apply(registrant=registrant, filename=row.get("photo", ""))
        elif reset:
            for name, value in fields.items():
                setattr(registrant, name, value)
            registrant.save()
            reset_count += 1
            photos += _demo_photo_apply(registrant=registrant, filename=row.get("photo", ""))
        kept_ids.append(registrant.pk)

    removed = 0
    if reset:
        for extra in Registrant.objects.exclude(pk__in=kept_ids):
            registrant_photo_delete(registrant=extra)
            extra.delete()
            removed += 1
        removed += Webinar.objects.exclude(title__in=webinars.keys()).delete()[0]
    return WebinarsDemoResult(
        webinars_created=webinars_created,
        registrants_created=created_count,
        registrants_reset=reset_count,
        removed=removed,
        photos=photos,
    )
