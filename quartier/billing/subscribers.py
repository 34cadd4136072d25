"""What billing does when other apps publish events (registered in BillingConfig.ready)."""

from django.urls import reverse

from quartier.bookings.events import BookingTransitioned
from quartier.bookings.flow import after_request_register
from quartier.platform.events import subscribe


def register() -> None:
    from quartier.billing.services.payments import booking_transitioned

    # In the booking's transaction: a confirm without a payable card is refused with it.
    subscribe(BookingTransitioned, booking_transitioned)
    after_request_register(_card_step_url)


def _card_step_url(booking) -> str | None:
    """Online marketplaces send the customer from the booking request to the card step."""
    from quartier.billing.services.cards import card_step_url_needed

    if card_step_url_needed(booking):
        return reverse("billing:card-step", args=[booking.pk])
    return None
