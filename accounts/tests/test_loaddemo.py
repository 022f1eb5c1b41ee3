from __future__ import annotations

from io import StringIO
from typing import Any

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


# --- Production: no published passwords unless asked for ---------------------------


@pytest.fixture
def production(settings: Any) -> Any:
    settings.IS_PRODUCTION = True
    settings.DEMO_PASSWORDS = False
    return settings


def test_in_production_demo_accounts_get_no_usable_password(production: Any) -> None:
    output = run_loaddemo()
    admin = User.objects.get(email="admin@example.com")
    assert admin.is_superuser
    assert not admin.has_usable_password()
    assert not admin.check_password("admin123")
    demo_accounts = User.objects.filter(email__endswith="@example.com")
    assert demo_accounts.count() >= 8
    assert not any(user.has_usable_password() for user in demo_accounts)
    assert "NO usable password" in output
    assert "--with-demo-passwords" in output


def test_in_production_reset_does_not_bring_the_published_password_back(production: Any) -> None:
    run_loaddemo("--with-demo-passwords")
    assert User.objects.get(email="admin@example.com").check_password("admin123")
    run_loaddemo("--reset")
    assert not User.objects.get(email="admin@example.com").has_usable_password()


@pytest.mark.parametrize("how", ["flag", "env"])
def test_in_production_published_passwords_only_when_asked(production: Any, how: str) -> None:
    if how == "flag":
        output = run_loaddemo("--with-demo-passwords")
    else:
        production.DEMO_PASSWORDS = True
        output = run_loaddemo()
    assert User.objects.get(email="admin@example.com").check_password("admin123")
    assert "PUBLISHED passwords" in output
    assert "NO usable password" not in output


def test_outside_production_the_published_passwords_are_used_silently(settings: Any) -> None:
    settings.IS_PRODUCTION = False
    settings.DEMO_PASSWORDS = False
    output = run_loaddemo()
    assert User.objects.get(email="admin@example.com").check_password("admin123")
    assert "password" not in output.lower()


def test_the_init_demo_task_follows_the_same_rule(production: Any) -> None:
    from platform_ops.tasks import demo_init

    result = demo_init.call(reset=False)
    assert result["published_passwords"] is False
    assert not User.objects.get(email="admin@example.com").has_usable_password()
