"""Bookable providers and bookings for tests, made through the real services."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from quartier.bookings.models import Booking
from quartier.bookings.services.lifecycle import booking_transition
from quartier.bookings.services.requests import booking_request_slot
from quartier.bookings.services.schedule import schedule_update
from tests.catalog.factories import make_listing, make_provider

ZURICH = ZoneInfo("Europe/Zurich")


def bookable_listing(
    *,
    provider=None,
    duration_minutes=60,
    weekdays=range(7),
    opens=time(8),
    closes=time(18),
    lead_minutes=0,
    buffer_minutes=15,
    **listing_fields,
):
    """A published listing whose provider works every day 08:00-18:00 (wall clock)."""
    provider = provider or make_provider()
    schedule_update(
        provider=provider,
        lead_time_minutes=lead_minutes,
        buffer_minutes=buffer_minutes,
        weekly_hours=[{"weekday": day, "starts": opens, "ends": closes} for day in weekdays],
    )
    return make_listing(provider=provider, duration_minutes=duration_minutes, **listing_fields)


def next_local(hour: int, minute: int = 0, *, days_ahead: int = 2) -> datetime:
    """A future wall-clock time in Zürich, as an aware UTC datetime."""
    day = timezone.now().astimezone(ZURICH).date() + timedelta(days=days_ahead)
    return datetime.combine(day, time(hour, minute), tzinfo=ZURICH).astimezone(UTC)


def confirmed_booking(*, listing, customer, starts_at=None) -> Booking:
    booking = booking_request_slot(
        listing=listing, customer=customer, starts_at=starts_at or next_local(10)
    )
    booking = booking_transition(booking=booking, action="accept", actor=listing.provider.user)
    return booking_transition(booking=booking, action="confirm", actor=customer)


def completed_booking(*, listing, customer) -> Booking:
    booking = confirmed_booking(listing=listing, customer=customer)
    # The job happened: move it into the past directly (the service refuses the future).
    past = timezone.now() - timedelta(hours=3)
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=past,
        ends_at=past + timedelta(hours=1),
        blocked_until=past + timedelta(hours=1, minutes=15),
    )
    booking.refresh_from_db()
    return booking_transition(booking=booking, action="complete", actor=listing.provider.user)
