"""WSGI entry point, for hosts without ASGI; chat streaming needs ASGI (see asgi.py)."""

import os

from fastopp_site.startup import startup_refuse_if_misconfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastopp_site.settings")
startup_refuse_if_misconfigured(settings_module=os.environ["DJANGO_SETTINGS_MODULE"], process="web")

from django.core.wsgi import get_wsgi_application  # noqa: E402 (after the refusal)

application = get_wsgi_application()
