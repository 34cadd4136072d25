"""Writes on the marketplace settings."""

from quartier.marketplace.models import MarketplaceSettings


def marketplace_settings_initialise(*, tenant, seed) -> None:
    """Tenant initialiser: default settings in the seed's language and currency."""
    MarketplaceSettings.objects.create(
        display_name=seed.name,
        default_language=seed.language,
        currency=seed.currency,
        contact_email=seed.admin_email,
    )
