"""ASGI entry point: gunicorn's uvicorn workers in production, daphne's runserver in development."""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

from fastopp_site.body_limit import BodySizeLimit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastopp_site.settings")

django_application = get_asgi_application()
application = BodySizeLimit(django_application, max_bytes=settings.MAX_REQUEST_BODY_BYTES)
