"""SHARED (public schema): the kernel every app imports; it imports no app.

Errors, money, tenancy helpers, env, storage, uploads, the DB backend, the task base and
the dead letters it writes. Settings and URLconfs are in quartier.config, the operator's
side in quartier.tenants.
"""

from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "quartier.platform"
    label = "platform"
    verbose_name = "Quartier platform"

    def ready(self):
        from quartier.platform import checks  # noqa: F401  (registers system checks)
