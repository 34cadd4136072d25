"""Events the catalog publishes (see quartier.platform.events)."""

import dataclasses

from quartier.platform.events import DomainEvent


@dataclasses.dataclass(frozen=True, kw_only=True)
class ListingChanged(DomainEvent):
    """A listing was created or changed (category, status, texts...)."""

    name = "listing.changed"
    listing_id: int
    provider_id: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class OfferAccepted(DomainEvent):
    """A customer accepted a provider's offer on a task request.

    Published inside the acceptance's transaction, after the offer is saved as
    accepted: the subscriber that turns it into a booking (bookings) writes the
    booking's id onto the offer in the same transaction.
    """

    name = "offer.accepted"
    offer_id: int
    task_id: int
    provider_id: int
    customer_id: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProviderFactsChanged(DomainEvent):
    """Facts that rules read changed: completed jobs, rating, vetting, suspension."""

    name = "provider.facts_changed"
    provider_id: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class OfferMade(DomainEvent):
    """A provider made an offer on a customer's task request."""

    name = "offer.made"
    offer_id: int
    task_id: int
    provider_id: int
    customer_id: int
