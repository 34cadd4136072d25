"""TENANT: the marketplace's own settings (name, languages, currency, policies)."""

from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "quartier.marketplace"
    label = "marketplace"
    verbose_name = "Marketplace settings"

    def ready(self):
        from quartier.marketplace.services import marketplace_settings_initialise
        from quartier.platform.initialisers import tenant_initialiser_register

        tenant_initialiser_register(marketplace_settings_initialise, order=20)
