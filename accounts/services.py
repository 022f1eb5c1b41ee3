from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from accounts.roles import Role

DEMO_USERS_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo_users.json"


def user_create(
    *,
    email: str,
    password: str | None,
    name: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
    is_active: bool = True,
) -> User:
    user = User.objects.create_user(
        email,
        password,
        name=name,
        is_staff=is_staff or is_superuser,
        is_superuser=is_superuser,
        is_active=is_active,
    )
    return user


def groups_ensure() -> dict[str, Group]:
    """Create the role groups; permissions are attached by the apps that own the models."""
    return {role.value: Group.objects.get_or_create(name=role.value)[0] for role in Role}


@dataclass(frozen=True)
class DemoUsersResult:
    created: int
    reset: int
    total: int


@transaction.atomic
def demo_users_load(*, reset: bool = False) -> DemoUsersResult:
    """Create FastOpp's demo users; with ``reset`` also restore their passwords and flags.

    Without ``reset`` an existing account is left as its owner changed it.
    """
    groups = groups_ensure()
    rows: list[dict[str, Any]] = json.loads(DEMO_USERS_FILE.read_text())
    created = restored = 0
    for row in rows:
        user = User.objects.filter(email__iexact=row["email"]).first()
        if user is None:
            user = user_create(
                email=row["email"],
                password=row["password"],
                name=row.get("name", ""),
                is_staff=row.get("is_staff", False),
                is_superuser=row.get("is_superuser", False),
                is_active=row.get("is_active", True),
            )
            created += 1
        elif reset:
            user.set_password(row["password"])
            user.name = row.get("name", "")
            user.is_superuser = row.get("is_superuser", False)
            user.is_staff = row.get("is_staff", False) or user.is_superuser
            user.is_active = row.get("is_active", True)
            user.save()
            restored += 1
        else:
            continue
        user.groups.set([groups[name] for name in row.get("groups", [])])
    return DemoUsersResult(created=created, reset=restored, total=len(rows))
