from django.apps import AppConfig


class PlatformOpsConfig(AppConfig):
    name = "platform_ops"
    verbose_name = "Platform operations"
