"""What billing does when other apps publish events (registered in BillingConfig.ready)."""

from quartier.bookings.events import BookingTransitioned
from quartier.platform.events import subscribe


def register() -> None:
    from quartier.billing.services.payments import booking_transitioned

    # In the booking's transaction: a confirm without a payable card is refused with it.
    subscribe(BookingTransitioned, booking_transitioned)
