"""Reads of the marketplace settings."""

from quartier.marketplace.models import MarketplaceSettings


def marketplace_settings() -> MarketplaceSettings:
    """The current tenant's settings (created by provisioning; never missing)."""
    return MarketplaceSettings.objects.get(singleton=True)
