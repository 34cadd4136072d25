"""What trust does when other apps publish events (registered in TrustConfig.ready)."""

from quartier.catalog.events import ListingChanged
from quartier.platform.events import subscribe
from quartier.providers.events import ProviderFactsChanged


def provider_facts_changed(event: ProviderFactsChanged) -> None:
    """Rule badges follow completed jobs, ratings and vetting at once."""
    from quartier.providers.models import ProviderProfile
    from quartier.trust.services.badges import badges_recompute

    badges_recompute(provider=ProviderProfile(pk=event.provider_id))


def listing_changed(event: ListingChanged) -> None:
    """A new or re-categorised listing shows its provider's badges."""
    from quartier.providers.models import ProviderProfile
    from quartier.trust.services.badges import badges_sync

    badges_sync(provider=ProviderProfile(pk=event.provider_id))  # only its id is read


def register() -> None:
    subscribe(ProviderFactsChanged, provider_facts_changed)
    subscribe(ListingChanged, listing_changed)
