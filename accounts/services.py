from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, LoginToken, User
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
    # False: the accounts got unusable passwords instead of the published ones.
    published_passwords: bool = True


@transaction.atomic
def demo_users_load(*, reset: bool = False, published_passwords: bool = True) -> DemoUsersResult:
    """Create FastOpp's demo users; with ``reset`` also restore their passwords and flags.

    Without ``reset`` an existing account is left as its owner changed it. Without
    ``published_passwords`` an account created or reset gets an unusable password instead
    of the one in the fixture (which anyone can read): a production site's choice.
    """
    groups = groups_ensure()
    rows: list[dict[str, Any]] = json.loads(DEMO_USERS_FILE.read_text())
    created = restored = 0
    for row in rows:
        password = row["password"] if published_passwords else None
        user = User.objects.filter(email__iexact=row["email"]).first()
        if user is None:
            user = user_create(
                email=row["email"],
                password=password,
                name=row.get("name", ""),
                is_staff=row.get("is_staff", False),
                is_superuser=row.get("is_superuser", False),
                is_active=row.get("is_active", True),
            )
            created += 1
        elif reset:
            user.set_password(password)  # None: unusable
            user.name = row.get("name", "")
            user.is_superuser = row.get("is_superuser", False)
            user.is_staff = row.get("is_staff", False) or user.is_superuser
            user.is_active = row.get("is_active", True)
            user.save()
            restored += 1
        else:
            continue
        user.groups.set([groups[name] for name in row.get("groups", [])])
    return DemoUsersResult(
        created=created,
        reset=restored,
        total=len(rows),
        published_passwords=published_passwords,
    )


def group_model_permissions_sync(
    *, role: Role, app_label: str, grants: Mapping[str, tuple[str, ...]]
) -> None:
    """Make ``role``'s group hold exactly ``grants`` on ``app_label``'s models.

    ``grants`` maps a model name to actions, e.g. ``{"product": ("view", "change")}``.
    Permissions on other apps' models are left alone, so each app owns its own grants.
    """
    group = Group.objects.get_or_create(name=role.value)[0]
    wanted = {f"{action}_{model}" for model, actions in grants.items() for action in actions}
    app_permissions = Permission.objects.filter(content_type__app_label=app_label)
    group.permissions.remove(
        *group.permissions.filter(content_type__app_label=app_label).exclude(codename__in=wanted)
    )
    group.permissions.add(*app_permissions.filter(codename__in=wanted))


# --- Personal API tokens ------------------------------------------------------
API_TOKEN_PREFIX = "fo_"  # noqa: S105 (a marker, not a secret)
# Writing last_used_at on every call would turn each API read into a DB write.
API_TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)


def token_hash(*, raw: str) -> str:
    """The one digest stored for every secret token (API tokens, emergency login links)."""
    # Each secret is 256 random bits, so a fast unsalted hash is enough: nothing to brute-force.
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedApiToken:
    token: ApiToken
    plain: str  # shown once; only its hash is stored


def api_token_create(
    *, user: User, name: str, expires_at: datetime | None = None
) -> IssuedApiToken:
    plain = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=plain[:10],
        token_hash=token_hash(raw=plain),
        expires_at=expires_at,
    )
    return IssuedApiToken(token=token, plain=plain)


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(*, raw: str) -> User | None:
    """The active user owning this token, or None for an unknown, revoked or expired one."""
    if not raw.startswith(API_TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_hash(raw=raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > API_TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- Emergency login links ----------------------------------------------------


def login_token_create(*, user: User, minutes: int | None = None) -> str:
    """Make a one-time login token; only its hash is stored, so a database leak is no key."""
    token = secrets.token_urlsafe(32)
    lifetime = settings.EMERGENCY_LOGIN_MINUTES if minutes is None else minutes
    LoginToken.objects.create(
        user=user,
        token_hash=token_hash(raw=token),
        expires_at=timezone.now() + timedelta(minutes=lifetime),
    )
    return token


def login_token_consume(*, token: str) -> User | None:
    """Spend a token: the user when it is valid, unused and unexpired, else None."""
    with transaction.atomic():
        login_token = (
            LoginToken.objects.select_for_update()
            .select_related("user")
            .filter(token_hash=token_hash(raw=token), used_at__isnull=True)
            .first()
        )
        if login_token is None:
            return None
        login_token.used_at = timezone.now()
        login_token.save(update_fields=["used_at"])
        if login_token.expires_at <= login_token.used_at or not login_token.user.is_active:
            return None
        return login_token.user


# --- Throttles (counts in the "default" cache, shared by every process via CACHE_URL) --


def throttle_key(*, scope: str, subject: str) -> str:
    # Hashed: a client-chosen email or an IPv6 address is not always a safe cache key.
    return f"throttle:{scope}:{hashlib.sha256(subject.encode()).hexdigest()[:32]}"


def throttle_hit(*, scope: str, subject: str, window_seconds: int) -> int:
    """Count one event for ``subject`` in a fixed window opened by its first event; the count."""
    key = throttle_key(scope=scope, subject=subject)
    # The window's end is stored beside the count, so a refusal can say when to come back.
    cache.add(f"{key}:until", time.time() + window_seconds, timeout=window_seconds)
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)  # atomic on Redis, so concurrent processes never lose a hit
    except ValueError:  # the window closed between add and incr
        cache.add(key, 1, timeout=window_seconds)
        return 1


def api_token_failure_record(*, ip: str) -> int:
    """One more bad bearer token from ``ip``; the count in the current window."""
    return throttle_hit(
        scope="api-token",
        subject=ip,
        window_seconds=settings.API_TOKEN_LOCKOUT_MINUTES * 60,
    )


def password_reset_request_record(*, ip: str) -> int:
    """One more password-reset request from ``ip``; the count in the current window."""
    return throttle_hit(
        scope="password-reset-ip",
        subject=ip,
        window_seconds=settings.LOGIN_LOCKOUT_MINUTES * 60,
    )


def password_reset_mail_allowed(*, email: str) -> bool:
    """Count a reset mail to ``email``; False past PASSWORD_RESET_MAILS_PER_EMAIL an hour.

    Counted whether or not an account has that email, so the answer reveals nothing.
    """
    count = throttle_hit(
        scope="password-reset-email", subject=email.strip().lower(), window_seconds=60 * 60
    )
    return count <= int(settings.PASSWORD_RESET_MAILS_PER_EMAIL)
