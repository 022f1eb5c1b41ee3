from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User


def user_roles(*, user: User | AnonymousUser) -> list[str]:
    if not user.is_authenticated:
        return []
    return sorted(user.groups.values_list("name", flat=True))
