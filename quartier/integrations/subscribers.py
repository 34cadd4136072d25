"""What integrations does when others publish: turn booking changes into webhooks."""

from quartier.bookings.events import BookingTransitioned
from quartier.integrations.handoffs import external_case_id_of
from quartier.integrations.webhooks import webhook_event_enqueue, webhooks_enabled
from quartier.platform.events import subscribe


def booking_transitioned(event: BookingTransitioned) -> None:
    if not event.status_changed or not webhooks_enabled():
        return
    data = {
        "booking_id": event.booking_id,
        "event_id": event.event_id,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "occurred_at": event.occurred_at.isoformat(),
    }
    external_case_id = external_case_id_of(event.booking_id)
    if external_case_id is not None:
        data["external_case_id"] = external_case_id
    webhook_event_enqueue(
        event_type=event.event_name,
        event_key=f"booking-event:{event.event_id}",
        ordering_key=f"booking:{event.booking_id}",
        data=data,
    )


def register() -> None:
    subscribe(BookingTransitioned, booking_transitioned)
