"""SHARED (no models): the project's configuration, the top layer of the import graph.

Settings, both URLconfs, WSGI/ASGI, the Celery app and the `demo` command. It may import
every app; no app imports it (import-linter's layers contract in pyproject.toml).
"""

from django.apps import AppConfig


class ConfigConfig(AppConfig):
    name = "quartier.config"
    label = "config"
    verbose_name = "Quartier configuration"
