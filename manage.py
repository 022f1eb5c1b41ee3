#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastopp_site.settings")
    from fastopp_site.startup import startup_refuse_if_misconfigured, startup_serves_http

    # Only runserver answers HTTP; the worker and migrate start without ALLOWED_HOSTS.
    startup_refuse_if_misconfigured(
        settings_module=os.environ["DJANGO_SETTINGS_MODULE"],
        serves_http=startup_serves_http(argv=sys.argv),
    )
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
