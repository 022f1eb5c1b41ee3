"""Django's middleware security checks, made to see fastopp_site.middleware's classes.

Django's deploy checks find SecurityMiddleware, CsrfViewMiddleware and
XFrameOptionsMiddleware by their exact dotted paths in MIDDLEWARE. The project installs
subclasses of them (fastopp_site.middleware), so those checks would report the middleware
as missing (security.W001-W003, silenced in settings) and then skip every check that
depends on it: HSTS, SSL redirect, nosniff, referrer policy, secure CSRF cookie, DENY.

This check (registered by fastopp_site.apps.SiteConfig) runs exactly those Django
functions again against MIDDLEWARE with each subclass written as its Django parent, so
``check --deploy`` keeps all of its protection. A missing middleware is reported under
this project's IDs, which are not silenced.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Warning
from django.core.checks.security import base, csrf
from django.test.utils import override_settings

DJANGO_PARENTS = {
    "fastopp_site.middleware.Security": "django.middleware.security.SecurityMiddleware",
    "fastopp_site.middleware.Csrf": "django.middleware.csrf.CsrfViewMiddleware",
    "fastopp_site.middleware.XFrameOptions": (
        "django.middleware.clickjacking.XFrameOptionsMiddleware"
    ),
}
# Django's IDs for "middleware missing", silenced in settings because of the paths above.
RENAMED_IDS = {
    "security.W001": "fastopp.W001",
    "security.W002": "fastopp.W002",
    "security.W003": "fastopp.W003",
}
MIDDLEWARE_DEPENDENT_CHECKS: tuple[Callable[..., Any], ...] = (
    base.check_security_middleware,
    base.check_xframe_options_middleware,
    base.check_sts,
    base.check_sts_include_subdomains,
    base.check_sts_preload,
    base.check_content_type_nosniff,
    base.check_ssl_redirect,
    base.check_xframe_deny,
    base.check_referrer_policy,
    base.check_cross_origin_opener_policy,
    csrf.check_csrf_middleware,
    csrf.check_csrf_cookie_secure,
)


def security_middleware_checks(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    as_django = [DJANGO_PARENTS.get(path, path) for path in settings.MIDDLEWARE]
    found: list[CheckMessage] = []
    # Only the check reads this override; nothing else runs meanwhile.
    with override_settings(MIDDLEWARE=as_django):
        for check in MIDDLEWARE_DEPENDENT_CHECKS:
            result = check(app_configs)
            found.extend(result if isinstance(result, list) else [result])
    return [_renamed(message) for message in found]


def _renamed(message: CheckMessage) -> CheckMessage:
    if message.id not in RENAMED_IDS:
        return message
    return Warning(message.msg, hint=message.hint, id=RENAMED_IDS[message.id])


def forwarded_allow_ips_check(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """gunicorn and uvicorn read FORWARDED_ALLOW_IPS too; "*" lets any client choose its IP."""
    trusted = [value.strip() for value in settings.FORWARDED_ALLOW_IPS.split(",")]
    if "*" not in trusted:
        return []
    return [
        Warning(
            "FORWARDED_ALLOW_IPS is '*': any client can put an address of its choice in "
            "X-Forwarded-For and pass the per-IP chat limit and quota.",
            hint="List the platform proxy's addresses instead (README, 'Client addresses').",
            id="fastopp.W010",
        )
    ]


# Backends that never deliver: a production site on one of them sends no reset mail at all.
UNDELIVERED_EMAIL_BACKENDS = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
    }
)


def email_backend_check(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """Password reset sends mail: EMAIL_URL must name a real server in production."""
    if settings.DEBUG or settings.EMAIL_BACKEND not in UNDELIVERED_EMAIL_BACKENDS:
        return []
    return [
        Warning(
            "EMAIL_URL does not name a mail server, so password-reset mail is never delivered.",
            hint=(
                "Set EMAIL_URL=smtp+tls://user:password@smtp.example.com:587 (README, 'Accounts')."
            ),
            id="fastopp.W011",
        )
    ]
