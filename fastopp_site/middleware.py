"""Django's standard middleware, without a thread hop per hook under ASGI.

Django's ``MiddlewareMixin`` runs every ``process_request``/``process_response`` hook of an
async request through ``sync_to_async``, because it cannot know whether a hook blocks.
With seven such middleware that is about a dozen trips from the event loop to a thread and
back for each request, most of the time a small page takes (measured in docs/COMPARISON.md).

The hooks of the classes below only look at headers, cookies and settings, so here they run
in the event loop. The cases that can do I/O still go to a thread: saving a modified
session, storing messages, and reading a multipart body for the CSRF token. Django guards
the rest: an ORM call made from the event loop raises SynchronousOnlyOperation instead of
blocking it. Under WSGI (the test client, a WSGI server) every class behaves exactly like
its parent.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import iscoroutinefunction, sync_to_async
from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponseBase
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.security import SecurityMiddleware


class InlineHooksMixin:
    """``MiddlewareMixin.__acall__`` with the hooks called directly, not through a thread."""

    get_response: Any

    def response_may_block(self, request: HttpRequest) -> bool:
        """True when this request's ``process_response`` could do I/O (a subclass knows when)."""
        return False

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        response = None
        if hasattr(self, "process_request"):
            response = self.process_request(request)
        response = response or await self.get_response(request)
        if hasattr(self, "process_response"):
            if self.response_may_block(request):
                response = await sync_to_async(self.process_response)(request, response)
            else:
                response = self.process_response(request, response)
        return response  # type: ignore[no-any-return]


class Security(InlineHooksMixin, SecurityMiddleware):
    pass


class Session(InlineHooksMixin, SessionMiddleware):
    def response_may_block(self, request: HttpRequest) -> bool:
        # Saving writes to the session store (the database); reading the flags does not.
        session = getattr(request, "session", None)
        return session is not None and (session.modified or settings.SESSION_SAVE_EVERY_REQUEST)


class Common(InlineHooksMixin, CommonMiddleware):
    pass


class Csrf(InlineHooksMixin, CsrfViewMiddleware):
    def __init__(self, get_response: Any) -> None:
        super().__init__(get_response)
        if iscoroutinefunction(get_response):
            # The handler awaits a coroutine process_view instead of sending it to a thread;
            # under WSGI the inherited sync method stays, with no event loop to adapt to.
            self.process_view = self._aprocess_view  # type: ignore[method-assign,assignment]

    async def _aprocess_view(
        self, request: HttpRequest, callback: Any, callback_args: Any, callback_kwargs: Any
    ) -> HttpResponseBase | None:
        check = super().process_view
        if (request.content_type or "").startswith("multipart/"):
            # Parsing an upload for the token may spool files to disk.
            return await sync_to_async(check)(request, callback, callback_args, callback_kwargs)
        return check(request, callback, callback_args, callback_kwargs)


class Authentication(InlineHooksMixin, AuthenticationMiddleware):
    pass


class Messages(InlineHooksMixin, MessageMiddleware):
    def response_may_block(self, request: HttpRequest) -> bool:
        # Storing messages that were shown or added may read the session.
        storage = getattr(request, "_messages", None)
        return storage is not None and bool(storage.used or storage.added_new)


class XFrameOptions(InlineHooksMixin, XFrameOptionsMiddleware):
    pass


class ContentSecurityPolicy(InlineHooksMixin, CSPMiddleware):
    """django-csp's header, with its directives in the order the setting lists them.

    django-csp 4.0 joins the directives in the iteration order of a ``set`` of their names,
    which changes with each process's string hash seed: the same policy, but a header that
    differs between workers and from the documented one.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        if CSP_HEADER in response:
            response[CSP_HEADER] = csp_directives_order(policy=response[CSP_HEADER])
        return response


def csp_directives_order(*, policy: str) -> str:
    """The directives of `policy` in the order of CONTENT_SECURITY_POLICY["DIRECTIVES"];
    any other directive (added by a view's decorator) after them, in its own order."""
    names = list(settings.CONTENT_SECURITY_POLICY.get("DIRECTIVES", {}))
    parts = [part.strip() for part in policy.split(";") if part.strip()]

    def rank(part: str) -> int:
        name = part.split(" ", 1)[0]
        return names.index(name) if name in names else len(names)

    return "; ".join(sorted(parts, key=rank))
