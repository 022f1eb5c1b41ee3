"""The auth layer applied to views: page decorators and the API's authenticators.

Each one only asks `accounts.access`; none of them decides on its own who is asking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt
from ninja.security import HttpBearer

from accounts.access import Caller, Via, bearer_token, caller_resolve, user_has_role, user_is_staff
from accounts.models import User
from accounts.roles import Role
from core.errors import AppError, ErrorKind
from core.http import api_error_response

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


def staff_required(view: ViewFunc) -> ViewFunc:
    """Pages: anonymous visitors go to the login page; signed-in non-staff get 403, not a loop."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_is_staff(user=request.user):
            raise PermissionDenied("Staff only.")
        return view(request, *args, **kwargs)

    return cast(ViewFunc, wrapper)


def roles_required(roles: Iterable[Role]) -> Callable[[ViewFunc], ViewFunc]:
    """Pages for some roles: anonymous visitors go to the login page, others without one of
    ``roles`` get 403. A superuser holds every role."""
    allowed = frozenset(roles)

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user_has_role(user=request.user, roles=allowed):
                raise PermissionDenied("Your role does not include this page.")
            return view(request, *args, **kwargs)

        return cast(ViewFunc, wrapper)

    return decorator


def operator_resolve(request: HttpRequest) -> Caller:
    """The caller of an operation, or AppError: the ops token, or a superuser's session."""
    # Nobody signed in and no token: say what is needed before any CSRF complaint.
    anonymous = bearer_token(request) is None and not request.user.is_authenticated
    caller = None if anonymous else caller_resolve(request)
    if caller is not None and caller.may_operate:
        return caller
    if caller is None or caller.user is None:
        raise AppError(
            "Sign in as a superuser or send Authorization: Bearer <OPS_TOKEN>.",
            kind=ErrorKind.UNAUTHENTICATED,
            code="login_required",
        )
    raise AppError("Superusers only.", kind=ErrorKind.FORBIDDEN, code="forbidden")


def operator_required(view: ViewFunc) -> ViewFunc:
    """Operations endpoints (JSON). Exempt from the CSRF middleware because token callers
    send no cookie; `caller_resolve` checks CSRF for session callers instead."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            operator_resolve(request)
        except AppError as exc:
            return api_error_response(exc)
        return view(request, *args, **kwargs)

    return cast(ViewFunc, wrapper)


def operator_page_required(view: ViewFunc) -> ViewFunc:
    """Operations pages (HTML): the ops token or a superuser. A visitor who is not signed in
    goes to the login page; a signed-in non-superuser gets the 403 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            operator_resolve(request)
        except AppError as exc:
            if exc.kind is ErrorKind.UNAUTHENTICATED and bearer_token(request) is None:
                return redirect_to_login(request.get_full_path())
            if exc.kind is ErrorKind.FORBIDDEN:
                raise PermissionDenied(str(exc)) from exc
            return api_error_response(exc)  # a bad bearer token: 401, as on the API
        return view(request, *args, **kwargs)

    return cast(ViewFunc, wrapper)


class CallerAuth(HttpBearer):
    """django-ninja's view of `caller_resolve`: a user signed in by API token or session.

    Anonymous callers get ninja's 401. Browsers are covered too (the session), so the
    OpenAPI scheme is only the bearer token scripts send.
    """

    openapi_description = "A personal API token: Authorization: Bearer fo_..."

    def __call__(self, request: HttpRequest) -> User | None:
        caller = caller_resolve(request)
        return None if caller.via is Via.OPS_TOKEN else caller.user

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        raise NotImplementedError  # __call__ resolves the caller, cookies included


api_auth = CallerAuth()
