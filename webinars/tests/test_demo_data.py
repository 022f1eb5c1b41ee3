"""loaddemo: idempotent counts, --reset restores, user rows survive, photos ship with us."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import User
from catalog.models import Product
from webinars.models import Registrant, Webinar
from webinars.tests.factories import RegistrantFactory
from webinars.tests.helpers import stored_photos

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "products": Product.objects.count(),
        "webinars": Webinar.objects.count(),
        "registrants": Registrant.objects.count(),
        "photos": len(stored_photos()),
    }


def loaddemo(*args: str) -> str:
    out = StringIO()
    call_command("loaddemo", *args, stdout=out)
    return out.getvalue()


def test_loaddemo_twice_leaves_the_same_counts(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        output = loaddemo()
    first = counts()
    assert first == {"users": 8, "products": 8, "webinars": 13, "registrants": 13, "photos": 5}
    assert "products: created 8" in output
    with django_capture_on_commit_callbacks(execute=True):
        loaddemo()
    assert counts() == first


def test_demo_photos_are_the_shipped_portraits(demo: Any) -> None:
    with_photo = Registrant.objects.exclude(photo="").order_by("name")
    assert [r.name for r in with_photo] == [
        "David Wilson",
        "Emily Davis",
        "John Smith",
        "Michael Chen",
        "Sarah Johnson",
    ]
    assert all(r.photo.name.startswith("registrant_photos/") for r in with_photo)


def test_user_rows_survive_a_plain_run_and_reset_restores_the_demo(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        loaddemo()
    sarah = Registrant.objects.get(name="Sarah Johnson")
    sarah.notes = "edited by a user"
    sarah.save()
    mug = Product.objects.get(name="Starbucks Coffee Mug")
    mug.price = 1
    mug.save()
    extra = RegistrantFactory.create()
    Product.objects.create(name="User product", price=5, category="Misc")

    with django_capture_on_commit_callbacks(execute=True):
        loaddemo()
    sarah.refresh_from_db()
    assert sarah.notes == "edited by a user"
    assert Registrant.objects.filter(pk=extra.pk).exists()
    assert Product.objects.count() == 9

    with django_capture_on_commit_callbacks(execute=True):
        loaddemo("--reset")
    sarah.refresh_from_db()
    mug.refresh_from_db()
    assert sarah.notes.startswith("Startup founder")
    assert str(mug.price) == "12.99"
    assert not Registrant.objects.filter(pk=extra.pk).exists()
    assert counts() == {"users": 8, "products": 8, "webinars": 13, "registrants": 13, "photos": 5}


def test_role_permissions_are_granted(demo: Any) -> None:
    jane = User.objects.get(email="jane@example.com")
    support = User.objects.get(email="staff@example.com")
    john = User.objects.get(email="john@example.com")
    assert jane.has_perm("webinars.change_registrant")
    assert not jane.has_perm("webinars.delete_registrant")
    assert not jane.has_perm("catalog.view_product")
    assert support.has_perm("catalog.view_product")
    assert not support.has_perm("catalog.change_product")
    assert john.has_perm("catalog.delete_product")
    assert john.has_perm("webinars.add_webinar")
    assert not john.has_perm("catalog.view_order")
