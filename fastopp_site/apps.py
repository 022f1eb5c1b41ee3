from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig


class StaticFilesConfig(DjangoStaticFilesConfig):
    # static/src holds the Tailwind sources; only the built CSS is published.
    ignore_patterns = [*DjangoStaticFilesConfig.ignore_patterns, "src"]
