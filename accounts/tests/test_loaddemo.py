from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


def run_loaddemo(*args: str) -> str:
    out = StringIO()
    call_command("loaddemo", *args, stdout=out)
    return out.getvalue()


def test_loaddemo_creates_fastopp_users_once() -> None:
    run_loaddemo()
    first = User.objects.count()
    run_loaddemo()
    assert User.objects.count() == first
    assert User.objects.filter(email__endswith="@example.com").count() >= 8

    admin = User.objects.get(email="admin@example.com")
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.check_password("admin123")
    john = User.objects.get(email="john@example.com")
    assert john.is_staff
    assert not john.is_superuser
    assert john.check_password("test123")
    assert list(john.groups.values_list("name", flat=True)) == ["marketing"]
    assert not User.objects.get(email="bob@example.com").is_active
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "admin",
        "marketing",
        "sales",
        "support",
    }


def test_loaddemo_keeps_user_changes_unless_reset() -> None:
    run_loaddemo()
    admin = User.objects.get(email="admin@example.com")
    admin.set_password("my-own-password")
    admin.save()

    run_loaddemo()
    admin.refresh_from_db()
    assert admin.check_password("my-own-password")

    run_loaddemo("--reset")
    admin.refresh_from_db()
    assert admin.check_password("admin123")
