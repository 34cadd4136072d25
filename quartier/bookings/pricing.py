"""How long a booking lasts and what it costs, from the listing's price and unit.

An hourly listing is booked for 1 to 8 whole hours and costs the hourly price times the
hours; any other listing lasts its own duration and costs its price. Integer minor
units throughout.
"""

from quartier.bookings.availability import DEFAULT_DURATION_MINUTES
from quartier.catalog.models import Listing
from quartier.platform.money import Money

HOURLY_MINUTES = tuple(hours * 60 for hours in range(1, 9))


def is_hourly(listing: Listing) -> bool:
    return listing.price_unit == Listing.PriceUnit.HOUR


def duration_choices(listing: Listing) -> tuple[int, ...]:
    if is_hourly(listing):
        return HOURLY_MINUTES
    return (listing.duration_minutes or DEFAULT_DURATION_MINUTES,)


def default_duration(listing: Listing) -> int:
    choices = duration_choices(listing)
    wanted = listing.duration_minutes or DEFAULT_DURATION_MINUTES
    return wanted if wanted in choices else choices[0]


def booking_price(listing: Listing, duration_minutes: int) -> Money:
    """The price of the job: for hourly listings, the hourly price times the hours."""
    price = Money(listing.price_amount_minor, listing.price_currency)
    if is_hourly(listing):
        return price * (duration_minutes // 60)
    return price
