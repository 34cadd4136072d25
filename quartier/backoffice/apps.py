"""TENANT: the tenant admins' back office pages (no models; it calls other apps' services)."""

from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "quartier.backoffice"
    label = "backoffice"
    verbose_name = "Back office"
