"""What bookings tells other apps: one BookingTransitioned per BookingEvent, in its transaction."""

import pytest

from quartier.bookings.events import BookingTransitioned
from quartier.bookings.models import BookingEvent
from quartier.platform import events
from tests.bookings.factories import bookable_listing, next_local
from tests.catalog.factories import make_provider


@pytest.fixture
def heard():
    seen: list[tuple[BookingTransitioned, bool]] = []

    def listen(event):
        # delivered inside the writer's transaction, where its BookingEvent already exists
        seen.append((event, BookingEvent.objects.filter(pk=event.event_id).exists()))

    events.subscribe(BookingTransitioned, listen)
    yield seen
    events.unsubscribe(BookingTransitioned, listen)


def test_each_booking_event_is_published_with_ids_and_a_stable_name(tenant_a, heard):
    with tenant_a.context():
        listing = bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))
    customer, provider = tenant_a.client("customer"), tenant_a.client("provider")

    booking = customer.post(
        "/api/bookings/",
        {"listing": listing.pk, "starts_at": next_local(10).isoformat()},
        format="json",
    ).json()
    provider.post(f"/api/bookings/{booking['id']}/accept/", {}, format="json")
    customer.post(f"/api/bookings/{booking['id']}/confirm/", {}, format="json")

    assert [(e.event_name, e.transition, e.from_status, e.to_status) for e, _ in heard] == [
        ("booking.requested", "request", "", "requested"),
        ("booking.accepted", "accept", "requested", "accepted"),
        ("booking.confirmed", "confirm", "accepted", "confirmed"),
    ]
    assert all(inside for _, inside in heard)
    confirmed = heard[-1][0]
    assert (confirmed.booking_id, confirmed.actor_id, confirmed.provider_id) == (
        booking["id"],
        tenant_a.users["customer"].pk,
        listing.provider_id,
    )
    assert confirmed.schema == tenant_a.tenant.schema_name
