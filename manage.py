#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastopp_site.settings")
    from fastopp_site.startup import startup_process_kind, startup_refuse_if_misconfigured

    # Only runserver answers HTTP: the worker and migrate start without ALLOWED_HOSTS,
    # collectstatic (a build step) without SECRET_KEY too.
    startup_refuse_if_misconfigured(
        settings_module=os.environ["DJANGO_SETTINGS_MODULE"],
        process=startup_process_kind(argv=sys.argv),
    )
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
