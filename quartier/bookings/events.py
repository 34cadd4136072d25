"""Events the bookings app publishes (see quartier.platform.events)."""

import dataclasses

from quartier.platform.events import DomainEvent

# Names of the actions that do not change the status.
_UNCHANGED = {"counter": "booking.counter_proposed"}


@dataclasses.dataclass(frozen=True, kw_only=True)
class BookingTransitioned(DomainEvent):
    """A booking's state machine moved (or a counter-proposal was made).

    Published inside the transition's transaction, once the booking and its
    `BookingEvent` (`event_id`) are saved. `actor_id` is None for the system.
    """

    booking_id: int
    event_id: int
    transition: str  # the action: "accept", "confirm", "cancel", "broadcast_accept"...
    from_status: str
    to_status: str
    actor_id: int | None
    customer_id: int
    provider_id: int | None

    @property
    def event_name(self) -> str:
        if self.from_status == self.to_status:
            return _UNCHANGED.get(self.transition, f"booking.{self.transition}")
        return f"booking.{self.to_status}"

    @property
    def status_changed(self) -> bool:
        return self.from_status != self.to_status


@dataclasses.dataclass(frozen=True, kw_only=True)
class BroadcastInvited(DomainEvent):
    """A broadcast request was sent to these providers (published with its invites)."""

    name = "broadcast.invited"
    booking_id: int
    customer_id: int
    provider_ids: tuple[int, ...]


@dataclasses.dataclass(frozen=True, kw_only=True)
class MessageSent(DomainEvent):
    """A party of a booking wrote to the other one."""

    name = "message.sent"
    message_id: int
    booking_id: int
    sender_id: int
    recipient_id: int | None


@dataclasses.dataclass(frozen=True, kw_only=True)
class DisputeOpened(DomainEvent):
    """A problem with a booking reached the admins (a customer's report or a card
    dispute); published inside the transaction that stored it."""

    name = "dispute.opened"
    dispute_id: int
    booking_id: int
    source: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class BroadcastEscalated(DomainEvent):
    """Nobody took a broadcast in time: it went to the tenant's support queue (ring 3).
    (Ring 2's wider invites are published as BroadcastInvited.)"""

    name = "broadcast.escalated"
    booking_id: int
    customer_id: int
    ring: int
