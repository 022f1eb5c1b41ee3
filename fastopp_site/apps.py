from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig
from django.core.checks import Tags, register


class SiteConfig(AppConfig):
    """The project package as an app, so its own system checks have an owner."""

    name = "fastopp_site"
    verbose_name = "FastOpp Django site"

    def ready(self) -> None:
        from fastopp_site.checks import (
            email_backend_check,
            forwarded_allow_ips_check,
            security_middleware_checks,
        )

        register(security_middleware_checks, Tags.security, deploy=True)
        register(forwarded_allow_ips_check, Tags.security, deploy=True)
        register(email_backend_check, Tags.security, deploy=True)


class StaticFilesConfig(DjangoStaticFilesConfig):
    # static/src holds the Tailwind sources; only the built CSS is published.
    ignore_patterns = [*DjangoStaticFilesConfig.ignore_patterns, "src"]
