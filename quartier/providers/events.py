"""Events the providers app publishes (see quartier.platform.events)."""

import dataclasses

from quartier.platform.events import DomainEvent


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProviderFactsChanged(DomainEvent):
    """Facts that rules read changed: completed jobs, rating, vetting, suspension."""

    name = "provider.facts_changed"
    provider_id: int
