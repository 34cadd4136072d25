"""TENANT: the marketplace's own settings (name, languages, currency, policies)."""

from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "quartier.marketplace"
    label = "marketplace"
    verbose_name = "Marketplace settings"
