"""Events the trust app publishes (see quartier.platform.events)."""

import dataclasses

from quartier.platform.events import DomainEvent


@dataclasses.dataclass(frozen=True, kw_only=True)
class VettingDecided(DomainEvent):
    """An admin approved or rejected a provider's vetting application."""

    name = "vetting.decided"
    application_id: int
    provider_id: int
    approved: bool
    actor_id: int | None


@dataclasses.dataclass(frozen=True, kw_only=True)
class BadgeAwarded(DomainEvent):
    """A provider received a badge, by hand or by rule."""

    name = "badge.awarded"
    award_id: int
    badge_id: int
    provider_id: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class BadgeExpiring(DomainEvent):
    """A provider's badge expires within the tenant's warning period (told once)."""

    name = "badge.expiring"
    award_id: int
    badge_id: int
    provider_id: int
