"""The README's role matrix is the truth: every route is in it, and every cell holds.

The table under "Who may do what" is parsed; each row is a method and a path, each column a
kind of caller. Every cell is one request from that caller, against objects that exist
(so that a 404 means "hidden from you", not "not there"), with an empty body: access is
decided before the body is read, so an allowed caller gets its 2xx or a 4xx about the body,
and a refused one its 401, 403, 404 or login page. Every route the URL resolver knows must
have a row, so a new page or endpoint cannot ship without a decision on who may use it.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.roles import Role
from accounts.tests.factories import StaffFactory, SuperuserFactory, UserFactory
from catalog.models import Product, ReportRun, ReportStatus
from chat.models import Conversation, Message
from platform_ops.tests.factories import TaskResultFactory
from webinars.tests.factories import RegistrantFactory

README = Path(settings.BASE_DIR) / "README.md"
OPS_TOKEN = "ops-token-for-the-role-matrix-0123456789"
CALLERS = ("anonymous", "user", "support", "sales", "marketing", "admin", "superuser", "ops token")
OUTCOMES = {"yes", "own", "login", "403", "404"}
# Where the role is checked inside the view, ninja reads the body first: these rows send a
# valid one, so that a refusal shows as a refusal and not as a 422 about the body.
JSON_BODIES: dict[str, dict[str, Any]] = {
    "POST /api/products": {"name": "Matrix desk", "price": "19.99", "category": "Home"},
    "PATCH /api/registrants/{registrant_id}": {"notes": "Called back."},
}
PHOTO_ROWS = {"POST /api/registrants/{registrant_id}/photo"}
ROW = re.compile(r"^\| `(GET|POST|PUT|PATCH|DELETE) (/[^`]*)` \|(.+)\|\s*$")


@dataclass(frozen=True)
class Cell:
    method: str
    path: str
    caller: str
    expected: str

    def __str__(self) -> str:
        return f"{self.method} {self.path} as {self.caller}"


def _matrix() -> list[Cell]:
    text = README.read_text()
    section = text.split("### Who may do what", 1)[1].split("\n#", 1)[0]
    cells = []
    for line in section.splitlines():
        match = ROW.match(line)
        if not match:
            continue
        method, path, rest = match.groups()
        outcomes = [cell.strip() for cell in rest.split("|")]
        assert len(outcomes) == len(CALLERS), line
        assert set(outcomes) <= OUTCOMES, line
        cells += [Cell(method, path, c, o) for c, o in zip(CALLERS, outcomes, strict=True)]
    assert cells, "the README's role matrix was not found"
    return cells


MATRIX = _matrix()


def _routes(patterns: list[Any], prefix: str = "/") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                yield f"{prefix}{pattern.pattern}"  # one row: Django's admin, by model permission
                continue
            yield from _routes(pattern.url_patterns, f"{prefix}{pattern.pattern}")
        elif isinstance(pattern, URLPattern) and pattern.name not in {"api-root", "api-not-found"}:
            # (django-ninja's /api/ root and the catch-all after the API's routes: a 404 for
            # everyone, nothing to decide)
            yield f"{prefix}{pattern.pattern}"


def _route_of(path: str) -> str:
    """The resolver's spelling of a README path: `{id}` placeholders become converters."""
    return re.sub(r"\{(\w+)\}", r"<\1>", path)


def test_every_route_has_a_row_and_every_row_a_route() -> None:
    def shape(route: str) -> str:
        return re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", route)

    routes = {shape(route) for route in _routes(get_resolver().url_patterns)}
    rows = {shape(_route_of(cell.path)) for cell in MATRIX}
    assert sorted(routes - rows) == [], "routes without a row in the README's role matrix"
    assert sorted(rows - routes) == [], "rows in the README's role matrix that no route has"


@pytest.fixture
def world(db: None, settings: Any, tmp_path: Path) -> dict[str, str]:
    """One of each object the paths name, and the values their placeholders take."""
    settings.OPS_TOKEN = OPS_TOKEN
    settings.BACKUP_DIR = str(tmp_path / "backups")
    from catalog.services import catalog_role_permissions_sync
    from webinars.services import webinars_role_permissions_sync

    catalog_role_permissions_sync()
    webinars_role_permissions_sync()
    # Objects the callers do not own: "own" cells must answer 404 for them.
    other_rep = StaffFactory.create(roles=[Role.SALES])
    product = Product.objects.create(name="Matrix lamp", price="9.99", category="Home")
    registrant = RegistrantFactory.create(sales_rep=other_rep)
    run = ReportRun.objects.create(
        report="top_products", parameters={}, status=ReportStatus.SUCCEEDED, result=[]
    )
    task = TaskResultFactory.create(queue_name="ops", status="SUCCESSFUL", worker_ids=["w"])
    conversation = Conversation.objects.create(session_key="someone-elses-session")
    message = Message.objects.create(
        conversation=conversation, role=Message.Role.ASSISTANT, status=Message.Status.PENDING
    )
    upload = default_storage.save("matrix/hello.txt", io.BytesIO(b"hello"))
    return {
        "product_id": str(product.pk),
        "webinar_id": str(registrant.webinar_id),
        "registrant_id": str(registrant.pk),
        "report_run_id": str(run.pk),
        "report": "top_products",
        "task_id": str(task.pk),
        "message_id": str(message.pk),
        "token": "not-the-emergency-token",
        "uidb64": "MQ",  # a password-reset link's user id; with that token, an invalid link
        "path": upload,
    }


def _client(caller: str) -> Client:
    client = Client()
    if caller == "ops token":
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {OPS_TOKEN}"
    elif caller == "user":
        client.force_login(UserFactory.create())
    elif caller == "superuser":
        client.force_login(SuperuserFactory.create())
    elif caller != "anonymous":
        client.force_login(StaffFactory.create(roles=[Role(caller)]))
    return client


def _png() -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def _observed(status: int, location: str) -> str:
    if status == 302 and "login" in location:
        return "login"
    if status == 401:
        return "login"
    if status in {403, 404}:
        return str(status)
    return "yes"


@pytest.mark.parametrize("cell", MATRIX, ids=str)
def test_the_matrix_cell_holds(cell: Cell, world: dict[str, str]) -> None:
    path = re.sub(r"\{(\w+)\}", lambda match: world[match.group(1)], cell.path)
    client = _client(cell.caller)
    send = getattr(client, cell.method.lower())
    row = f"{cell.method} {cell.path}"
    body: dict[str, Any] = {}
    if row in PHOTO_ROWS:
        body = {"data": {"photo": _png()}}
    elif cell.method != "GET":
        body = {"data": json.dumps(JSON_BODIES.get(row, {})), "content_type": "application/json"}
    response = send(path, **body)
    assert response.status_code not in {405, 500}, response.content[:300]
    seen = _observed(response.status_code, response.get("Location", ""))
    expected = cell.expected
    if expected == "own":  # a list shows only one's own rows; someone else's object is hidden
        expected = "404" if "{" in cell.path else "yes"
    assert seen == expected, f"{cell}: saw {seen} ({response.status_code})"
