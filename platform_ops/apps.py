from django.apps import AppConfig


class PlatformOpsConfig(AppConfig):
    name = "platform_ops"
    verbose_name = "Platform operations"

    def ready(self) -> None:
        # The deploy checks for the project's middleware (see the module's docstring).
        from fastopp_site import checks  # noqa: F401
