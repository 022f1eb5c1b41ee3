"""The auth layer: who is asking (ops token, API token, session), the CSRF rule, roles."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.middleware.csrf import get_token
from django.test import RequestFactory

from accounts.access import (
    Via,
    caller_aresolve,
    caller_resolve,
    csrf_passes,
    user_acting_roles,
    user_has_role,
    user_is_staff,
    user_roles,
)
from accounts.roles import Role
from accounts.services import api_token_create
from accounts.tests.factories import StaffFactory, SuperuserFactory, UserFactory
from core.errors import AppError, ErrorKind

pytestmark = pytest.mark.django_db


def _request(method: str = "get", *, user: Any = None, **headers: str) -> Any:
    request = getattr(RequestFactory(), method)(
        "/x", **{f"HTTP_{k}": v for k, v in headers.items()}
    )
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    return request


def test_ops_token_is_an_operator_without_a_user(settings: Any) -> None:
    settings.OPS_TOKEN = "s3cret-ops-token"
    caller = caller_resolve(_request("post", AUTHORIZATION="Bearer s3cret-ops-token"))

    assert (caller.via, caller.user, caller.may_operate) == (Via.OPS_TOKEN, None, True)


def test_empty_ops_token_setting_accepts_no_token(settings: Any) -> None:
    settings.OPS_TOKEN = ""
    with pytest.raises(AppError) as raised:
        caller_resolve(_request(AUTHORIZATION="Bearer "))

    assert raised.value.code == "invalid_token"


def test_api_token_resolves_its_user_and_sets_request_user() -> None:
    user = UserFactory.create()
    plain = api_token_create(user=user, name="ci").plain
    request = _request("post", AUTHORIZATION=f"Bearer {plain}")

    caller = caller_resolve(request)

    assert (caller.via, caller.user, request.user) == (Via.API_TOKEN, user, user)
    assert not caller.may_operate


def test_superuser_api_token_may_operate() -> None:
    plain = api_token_create(user=SuperuserFactory.create(), name="ops").plain

    assert caller_resolve(_request("post", AUTHORIZATION=f"Bearer {plain}")).may_operate


def test_unknown_token_is_unauthenticated() -> None:
    with pytest.raises(AppError) as raised:
        caller_resolve(_request(AUTHORIZATION="Bearer fo_not-a-token"))

    assert (raised.value.kind, raised.value.code) == (ErrorKind.UNAUTHENTICATED, "invalid_token")


def test_session_write_needs_the_csrf_token() -> None:
    user = UserFactory.create()
    request = _request("post", user=user)
    request._dont_enforce_csrf_checks = False

    with pytest.raises(AppError) as raised:
        caller_resolve(request)

    assert (raised.value.kind, raised.value.code) == (ErrorKind.FORBIDDEN, "csrf_failed")


def test_session_write_with_the_csrf_token_passes() -> None:
    user = UserFactory.create()
    token = get_token(_request())
    request = _request("post", user=user, X_CSRFTOKEN=token)
    request.COOKIES["csrftoken"] = token

    assert csrf_passes(request)
    assert caller_resolve(request).user == user


def test_session_read_needs_no_csrf_token() -> None:
    caller = caller_resolve(_request(user=UserFactory.create()))

    assert caller.via is Via.SESSION


def test_inactive_session_user_is_anonymous() -> None:
    caller = caller_resolve(_request(user=UserFactory.create(is_active=False)))

    assert (caller.via, caller.user) == (Via.ANONYMOUS, None)


@pytest.mark.django_db(transaction=True)
async def test_async_resolution_matches_sync() -> None:
    from asgiref.sync import sync_to_async

    user = await sync_to_async(UserFactory.create)()
    plain = (await sync_to_async(api_token_create)(user=user, name="ci")).plain

    caller = await caller_aresolve(_request(AUTHORIZATION=f"Bearer {plain}"))

    assert caller.user == user


def test_roles_need_active_staff_and_superusers_hold_all() -> None:
    marketing = StaffFactory.create(roles=["marketing"])
    not_staff = UserFactory.create(roles=["marketing"])
    inactive = StaffFactory.create(roles=["marketing"], is_active=False)
    superuser = SuperuserFactory.create()

    assert user_has_role(user=marketing, roles=[Role.MARKETING])
    assert not user_has_role(user=marketing, roles=[Role.SALES])
    assert not user_has_role(user=not_staff, roles=[Role.MARKETING])
    assert not user_has_role(user=inactive, roles=[Role.MARKETING])
    assert user_has_role(user=superuser, roles=[Role.SALES])
    assert not user_has_role(user=AnonymousUser(), roles=list(Role))
    assert user_is_staff(user=marketing)
    assert not user_is_staff(user=inactive)


def test_user_roles_lists_group_roles_sorted() -> None:
    user = StaffFactory.create(roles=["support", "marketing", "not-a-role"])

    assert user_roles(user=user) == [Role.MARKETING, Role.SUPPORT]
    assert user_roles(user=AnonymousUser()) == []


def test_acting_roles_are_the_staff_groups_or_every_role_for_a_superuser() -> None:
    assert user_acting_roles(user=StaffFactory.create(roles=["sales"])) == {Role.SALES}
    assert user_acting_roles(user=UserFactory.create(roles=["sales"])) == frozenset()
    assert user_acting_roles(user=SuperuserFactory.create()) == frozenset(Role)
