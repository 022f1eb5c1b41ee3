"""Authentication for the JSON API: the browser's session (with CSRF) or a personal token.

Use ``api_auth`` on any endpoint that needs a user: django-ninja tries the bearer token
first (scripts send no cookies, so no CSRF applies), then the session cookie, for which
it runs Django's CSRF check on unsafe methods.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from accounts.models import User
from accounts.services import api_token_authenticate


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer fo_...`` with a token created in the admin or by createapitoken."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_authenticate(raw=token)
        if user is not None:
            # Endpoints and selectors read request.user, as they do for session calls.
            request.user = user
        return user


class SessionCsrfAuth(SessionAuth):
    """The logged-in browser session; unsafe methods must carry the CSRF token."""

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if isinstance(user, User) and user.is_authenticated and user.is_active:
            return user
        return None


api_auth = [BearerTokenAuth(), SessionCsrfAuth()]
