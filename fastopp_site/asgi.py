"""ASGI entry point: gunicorn's uvicorn workers in production, daphne's runserver in development."""

import os

from fastopp_site.startup import startup_refuse_if_misconfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastopp_site.settings")
startup_refuse_if_misconfigured(settings_module=os.environ["DJANGO_SETTINGS_MODULE"], process="web")

from django.conf import settings  # noqa: E402 (after the refusal: it loads the settings)

from fastopp_site.body_limit import BodySizeLimit  # noqa: E402
from fastopp_site.handler import get_asgi_application  # noqa: E402
from fastopp_site.lifespan import Lifespan  # noqa: E402

# Django's handler without its idle thread hops (fastopp_site/handler.py).
django_application = get_asgi_application()

from platform_ops.services.task_runner import task_runner_stop  # noqa: E402 (apps loaded)

application = Lifespan(
    BodySizeLimit(django_application, max_bytes=settings.MAX_REQUEST_BODY_BYTES),
    # The in-process task runner (TASKS_BACKEND=thread) finishes its task before exit.
    on_shutdown=[task_runner_stop],
)
