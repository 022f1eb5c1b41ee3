"""The upload matrix: every bad file is rejected or neutralised, on disk and on S3."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from accounts.tests.factories import StaffFactory
from webinars.models import Registrant
from webinars.tests.factories import RegistrantFactory
from webinars.tests.helpers import image_bytes, stored_photos

pytestmark = pytest.mark.django_db

HTML_TAIL = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels (a pixel flood)."""
    data = image_bytes("PNG", (1, 1))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    patched = struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    return data[:8] + patched + data[8 + 25 :]


def sixty_four_megapixels() -> bytes:
    # A real 8000 x 8000 image compresses to a few KB in 1-bit mode: small file, huge decode.
    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, "PNG")
    return buffer.getvalue()


REJECTED: dict[str, tuple[Callable[[], tuple[str, bytes, str]], str, int]] = {
    "oversized": (
        lambda: ("big.png", b"\x89PNG" + b"\0" * 6000, "image/png"),
        "larger than",
        413,
    ),
    "not-an-image-named-jpg": (
        lambda: ("holiday.jpg", b"this is plain text, not a JPEG at all", "image/jpeg"),
        "not a readable image",
        422,
    ),
    "svg": (lambda: ("logo.svg", SVG, "image/svg+xml"), "not a readable image", 422),
    "gif-not-allowed": (
        lambda: ("anim.gif", image_bytes("GIF"), "image/gif"),
        "Only JPEG, PNG or WebP",
        422,
    ),
    "pixel-flood-header": (
        lambda: ("flood.png", png_declaring(100_000, 100_000), "image/png"),
        "too many pixels",
        422,
    ),
    "pixel-flood-64mp": (
        lambda: ("flood.png", sixty_four_megapixels(), "image/png"),
        "too many pixels",
        422,
    ),
}


@pytest.fixture
def registrant_with_photo(storage_kind: str, django_capture_on_commit_callbacks: Any) -> Registrant:
    from webinars.services import registrant_photo_set

    registrant = RegistrantFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        registrant_photo_set(
            registrant=registrant, stream=io.BytesIO(image_bytes("PNG")), size=None
        )
    return registrant


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(StaffFactory.create(roles=["marketing"]))
    return client


def page_upload(client: Client, registrant: Registrant, upload: SimpleUploadedFile) -> Any:
    return client.post(
        f"/webinar-registrants/{registrant.pk}/photo/",
        {"photo": upload},
        headers={"HX-Request": "true"},
    )


def api_upload(client: Client, registrant: Registrant, upload: SimpleUploadedFile) -> Any:
    return client.post(f"/api/registrants/{registrant.pk}/photo", {"photo": upload})


@pytest.mark.parametrize("case", REJECTED)
@pytest.mark.parametrize("via", ["page", "api"])
def test_bad_files_are_rejected_and_change_nothing(
    case: str, via: str, staff_client: Client, registrant_with_photo: Registrant, settings: Any
) -> None:
    if case == "oversized":
        # 5 KB instead of 5 MB keeps the test fast; the code path is the same.
        settings.PHOTO_MAX_BYTES = 5_000
    make, message, status = REJECTED[case]
    name, content, content_type = make()
    before_files = stored_photos()
    before_photo = registrant_with_photo.photo.name

    upload = SimpleUploadedFile(name, content, content_type=content_type)
    if via == "page":
        response = page_upload(staff_client, registrant_with_photo, upload)
        assert response.status_code == 200  # htmx swaps the card, which carries the error
        assert message in response.content.decode()
        assert b'data-testid="card-error"' in response.content
    else:
        response = api_upload(staff_client, registrant_with_photo, upload)
        assert response.status_code == status
        assert message in response.json()["detail"]

    registrant_with_photo.refresh_from_db()
    assert registrant_with_photo.photo.name == before_photo
    assert stored_photos() == before_files


def _stored_bytes(registrant: Registrant) -> bytes:
    with default_storage.open(registrant.photo.name, "rb") as handle:
        data: bytes = handle.read()
    return data


@pytest.mark.parametrize("via", ["page", "api"])
def test_png_with_html_appended_is_re_encoded_without_the_html(
    via: str, staff_client: Client, registrant_with_photo: Registrant
) -> None:
    upload = SimpleUploadedFile("evil.png", image_bytes("PNG") + HTML_TAIL, "image/png")
    send = page_upload if via == "page" else api_upload
    response = send(staff_client, registrant_with_photo, upload)
    assert response.status_code == 200

    registrant_with_photo.refresh_from_db()
    stored = _stored_bytes(registrant_with_photo)
    assert stored.startswith(b"\xff\xd8")  # a JPEG made by Pillow
    assert b"<script" not in stored
    assert b"<html" not in stored
    assert registrant_with_photo.photo.name.endswith(".jpg")


@pytest.mark.parametrize("via", ["page", "api"])
def test_path_like_file_name_is_replaced_by_a_server_chosen_name(
    via: str, staff_client: Client, registrant_with_photo: Registrant
) -> None:
    upload = SimpleUploadedFile("../../x.png", image_bytes("PNG"), "image/png")
    send = page_upload if via == "page" else api_upload
    assert send(staff_client, registrant_with_photo, upload).status_code == 200

    registrant_with_photo.refresh_from_db()
    name = registrant_with_photo.photo.name
    directory, _, filename = name.rpartition("/")
    assert directory == "registrant_photos"
    assert len(filename) == len("0123456789abcdef0123456789abcdef.jpg")
    assert "x.png" not in name
    assert ".." not in name


def test_photo_is_normalised(storage_kind: str, django_capture_on_commit_callbacks: Any) -> None:
    from webinars.services import registrant_photo_set

    registrant = RegistrantFactory.create()
    big = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    Image.new("RGB", (2000, 1000), "teal").save(big, "JPEG", exif=exif.tobytes())
    with django_capture_on_commit_callbacks(execute=True):
        registrant_photo_set(registrant=registrant, stream=io.BytesIO(big.getvalue()), size=None)
    with default_storage.open(registrant.photo.name, "rb") as handle:
        data = handle.read()
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (800, 400)
        assert not stored.getexif()
    assert b"SecretCam" not in data


@pytest.mark.parametrize("via", ["page", "api"])
def test_replacing_a_photo_deletes_the_old_file(
    via: str,
    staff_client: Client,
    registrant_with_photo: Registrant,
    django_capture_on_commit_callbacks: Any,
) -> None:
    old_name = registrant_with_photo.photo.name
    assert default_storage.exists(old_name)
    send = page_upload if via == "page" else api_upload
    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            staff_client,
            registrant_with_photo,
            SimpleUploadedFile("new.webp", image_bytes("WEBP", colour="purple"), "image/webp"),
        )
    assert response.status_code == 200

    registrant_with_photo.refresh_from_db()
    assert registrant_with_photo.photo.name != old_name
    assert not default_storage.exists(old_name)
    assert stored_photos() == [registrant_with_photo.photo.name.rpartition("/")[2]]


@pytest.mark.parametrize("via", ["page", "api"])
def test_deleting_a_photo_removes_the_file(
    via: str,
    staff_client: Client,
    registrant_with_photo: Registrant,
    django_capture_on_commit_callbacks: Any,
) -> None:
    old_name = registrant_with_photo.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        if via == "page":
            response = staff_client.post(
                f"/webinar-registrants/{registrant_with_photo.pk}/photo/delete/",
                headers={"HX-Request": "true"},
            )
        else:
            response = staff_client.delete(f"/api/registrants/{registrant_with_photo.pk}/photo")
    assert response.status_code == 200
    registrant_with_photo.refresh_from_db()
    assert not registrant_with_photo.photo
    assert not default_storage.exists(old_name)
    assert stored_photos() == []


def test_filesystem_upload_is_served_as_an_inert_image(
    client: Client, registrant_with_photo: Registrant, storage_kind: str
) -> None:
    if storage_kind != "filesystem":
        assert registrant_with_photo.photo.url.startswith("http://127.0.0.1:")
        return
    response = client.get(registrant_with_photo.photo.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert client.get("/uploads/registrant_photos/missing.jpg").status_code == 404
    assert client.get("/uploads/%2E%2E/%2E%2E/etc/passwd").status_code == 404


def test_real_cap_stops_the_page_upload_past_five_megabytes(
    staff_client: Client, settings: Any
) -> None:
    registrant = RegistrantFactory.create()
    assert settings.PHOTO_MAX_BYTES == 5 * 1024 * 1024
    content = image_bytes("PNG") + b"\0" * settings.PHOTO_MAX_BYTES
    response = page_upload(
        staff_client, registrant, SimpleUploadedFile("big.png", content, "image/png")
    )
    assert "The photo is larger than 5 MB." in response.content.decode()
    registrant.refresh_from_db()
    assert not registrant.photo
    assert stored_photos() == []
