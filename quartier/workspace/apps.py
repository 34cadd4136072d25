"""TENANT: the provider's workspace pages (onboarding wizard, listings, weekly hours).

Pages only: every write calls the catalog, trust, bookings or accounts services.
"""

from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "quartier.workspace"
    label = "workspace"
    verbose_name = "Workspace"
