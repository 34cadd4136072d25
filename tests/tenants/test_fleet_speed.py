"""The operator console shows how fast help arrives in each active tenant (issue 17,
item 5): requests of the last four weeks, share accepted within 60 minutes, median."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quartier.accounts.models import User
from quartier.bookings.models import Booking, BookingEvent
from quartier.bookings.services.lifecycle import booking_transition
from quartier.bookings.services.requests import booking_request_slot
from quartier.bookings.speed import speed_summary
from tests.bookings.factories import bookable_listing, next_local
from tests.conftest import PLATFORM_HOST


@pytest.fixture
def operator(operator_token, db) -> Client:
    client = Client(HTTP_HOST=PLATFORM_HOST)
    client.force_login(User.objects.get(email="ops@platform.test"))
    return client


def _request(listing, customer, *, hour: int, days_ago: int) -> Booking:
    booking = booking_request_slot(listing=listing, customer=customer, starts_at=next_local(hour))
    asked = timezone.now() - timedelta(days=days_ago)
    Booking.objects.filter(pk=booking.pk).update(created_at=asked)
    BookingEvent.objects.filter(booking=booking).update(created_at=asked)
    booking.refresh_from_db()
    return booking


@pytest.fixture
def seeded(tenant_a):
    """Tenant A: accepted after 20 min, accepted after 3 h, one unanswered; one of
    40 days ago that falls outside the four weeks."""
    with tenant_a.context():
        customer = tenant_a.users["customer"]
        listing = bookable_listing()
        for hour, days_ago, after in ((9, 2, 20), (11, 3, 180), (13, 4, None), (15, 40, 5)):
            booking = _request(listing, customer, hour=hour, days_ago=days_ago)
            if after is not None:
                booking_transition(booking=booking, action="accept", actor=listing.provider.user)
                BookingEvent.objects.filter(booking=booking, to_status="accepted").update(
                    created_at=booking.created_at + timedelta(minutes=after)
                )


def test_the_summary_counts_the_last_four_weeks(tenant_a, seeded):
    with tenant_a.context():
        summary = speed_summary()
    assert (summary.counted, summary.accepted_within) == (3, 1)
    assert summary.share_percent == 33
    assert summary.median_accepted == timedelta(minutes=100)


def test_the_console_shows_each_active_tenant(tenant_a, tenant_b, seeded, operator):
    html = operator.get("/operator/fleet/").content.decode()

    assert 'id="fleet-speed"' in html
    row_a = html.split(f'id="speed-{tenant_a.tenant.slug}"')[1].split("</tr>")[0]
    assert '<td class="q-num">3</td>' in row_a
    assert "33 % (1 of 3)" in row_a
    assert "1 h 40 min" in row_a
    row_b = html.split(f'id="speed-{tenant_b.tenant.slug}"')[1].split("</tr>")[0]
    assert '<td class="q-num">0</td>' in row_b
