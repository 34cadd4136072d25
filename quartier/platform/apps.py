"""SHARED (public schema): settings, URL routing, the shared kernel and the operator side."""

from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "quartier.platform"
    label = "platform"
    verbose_name = "Quartier platform"

    def ready(self):
        from quartier.platform import checks  # noqa: F401  (registers system checks)
