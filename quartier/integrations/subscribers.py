"""What integrations does when others publish: turn booking changes into webhooks."""

from quartier.bookings.events import BookingTransitioned
from quartier.integrations.webhooks import webhook_event_enqueue
from quartier.platform.events import subscribe


def booking_transitioned(event: BookingTransitioned) -> None:
    if not event.status_changed:
        return
    webhook_event_enqueue(
        event_type=event.event_name,
        event_key=f"booking-event:{event.event_id}",
        ordering_key=f"booking:{event.booking_id}",
        data={
            "booking_id": event.booking_id,
            "event_id": event.event_id,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "occurred_at": event.occurred_at.isoformat(),
        },
    )


def register() -> None:
    subscribe(BookingTransitioned, booking_transitioned)
