"""WSGI entry point, for hosts without ASGI; chat streaming needs ASGI (see asgi.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastopp_site.settings")

application = get_wsgi_application()
