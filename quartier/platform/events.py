"""Domain events: a tiny in-process bus, so an app reacts to another without being named.

The publishing app defines its events (`quartier/<app>/events.py`, frozen dataclasses
carrying ids, never model instances) and publishes them from its services; a consuming
app subscribes in its `AppConfig.ready()`. Imports therefore point from consumer to
publisher, and a system check (`quartier.platform.checks`) proves every subscriber is
callable and every event has the subscribers the configuration requires.

Delivery is synchronous, inside the publisher's transaction: a subscriber's writes
commit or roll back with the change that caused them, and its exception aborts it.
Anything slow or talking to the network does not belong in a subscriber: it writes an
outbox row (`quartier.outbox`) and is delivered after commit.

Each event has a stable `name` ("booking.confirmed"), the tenant's `schema` and an
`occurred_at`, and `as_payload()` gives the JSON a notification centre or an outbound
webhook will carry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import ClassVar, TypeVar

from django.db import connection
from django.utils import timezone

Event = TypeVar("Event", bound="DomainEvent")
Handler = Callable[["DomainEvent"], object]


def _current_schema() -> str:
    return getattr(connection, "schema_name", "public")


@dataclasses.dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Base of every event; subclasses are frozen, keyword-only dataclasses too."""

    name: ClassVar[str] = ""
    schema: str = dataclasses.field(default_factory=_current_schema)
    occurred_at: datetime = dataclasses.field(default_factory=timezone.now)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _event_types[type_path(cls)] = cls

    def as_payload(self) -> dict:
        """JSON-ready: what an outbox row, a notification or a webhook body carries."""
        payload = {"name": self.event_name}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            payload[field.name] = value.isoformat() if isinstance(value, datetime) else value
        return payload

    @property
    def event_name(self) -> str:
        return self.name


_event_types: dict[str, type[DomainEvent]] = {}
_subscribers: dict[type[DomainEvent], list[Handler]] = {}


def type_path(event_type: type) -> str:
    return f"{event_type.__module__}.{event_type.__qualname__}"


def subscribe(event_type: type[Event], handler: Callable[[Event], object]) -> None:
    """Call `handler(event)` for every published `event_type`; idempotent per handler."""
    handlers = _subscribers.setdefault(event_type, [])
    if handler not in handlers:
        handlers.append(handler)


def unsubscribe(event_type: type[DomainEvent], handler: Handler) -> None:
    handlers = _subscribers.get(event_type, [])
    if handler in handlers:
        handlers.remove(handler)


def publish(event: DomainEvent) -> None:
    """Deliver `event` to its subscribers, in order of subscription, in this transaction."""
    for handler in list(_subscribers.get(type(event), ())):
        handler(event)


def subscribers() -> dict[type[DomainEvent], list[Handler]]:
    """Every event type with its handlers (a copy; for the system check and docs)."""
    return {event_type: list(handlers) for event_type, handlers in _subscribers.items()}


def event_types() -> dict[str, type[DomainEvent]]:
    """Every event type defined so far, by dotted path."""
    return dict(_event_types)
