"""How fast help arrives (issue 17, item 5): time to first offer and to acceptance per
request, and the share accepted within 60 minutes per category and week."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quartier.bookings.models import Booking, BookingEvent
from quartier.bookings.services.lifecycle import booking_transition
from quartier.bookings.services.requests import (
    booking_broadcast,
    booking_request_slot,
    broadcast_accept,
)
from quartier.bookings.speed import dispatch_speed
from quartier.catalog.models import Offer, TaskRequest
from quartier.catalog.services.tasks import offer_accept, offer_create, task_request_create
from quartier.platform.money import Money
from tests.bookings.factories import bookable_listing, next_local
from tests.catalog.factories import category


def _asked(booking: Booking, ago: timedelta) -> Booking:
    asked = timezone.now() - ago
    Booking.objects.filter(pk=booking.pk).update(created_at=asked)
    BookingEvent.objects.filter(booking=booking).update(created_at=asked)
    booking.refresh_from_db()
    return booking


def _step(booking: Booking, action: str, actor, *, after: timedelta, **fields) -> None:
    """Take `action` now, then date its event `after` the request."""
    booking_transition(booking=booking, action=action, actor=actor, **fields)
    event = BookingEvent.objects.filter(booking=booking).latest("created_at", "id")
    BookingEvent.objects.filter(pk=event.pk).update(created_at=booking.created_at + after)


@pytest.fixture
def seeded(tenant_a):
    """Six requests in two weeks (minutes from the request to the first offer / the
    acceptance): A 10/10 and B 20/90 two weeks ago; C (urgent) 5/5, D (a task) 30/50
    and E (never answered) three days ago; F ten minutes old and unanswered."""
    with tenant_a.context():
        customer = tenant_a.users["customer"]
        wlan = bookable_listing(title="WLAN setup")
        other = bookable_listing(title="Router help")
        moving = bookable_listing(title="Moving help", category_slug="moving-help")
        two_weeks, three_days = timedelta(days=15), timedelta(days=3)

        a = _asked(
            booking_request_slot(listing=wlan, customer=customer, starts_at=next_local(9)),
            two_weeks,
        )
        _step(a, "accept", wlan.provider.user, after=timedelta(minutes=10))
        b = _asked(
            booking_request_slot(listing=other, customer=customer, starts_at=next_local(9)),
            two_weeks,
        )
        _step(
            b, "counter", other.provider.user, after=timedelta(minutes=20), starts_at=next_local(14)
        )
        _step(b, "accept_counter", customer, after=timedelta(minutes=90))

        c = booking_broadcast(
            customer=customer,
            category=category("moving-help"),
            postal_code="8004",
            starts_at=next_local(11, days_ahead=4),
        )
        c = _asked(c, three_days)
        broadcast_accept(booking=c, provider=moving.provider)
        BookingEvent.objects.filter(booking=c, data__action="broadcast_accept").update(
            created_at=c.created_at + timedelta(minutes=5)
        )

        task = task_request_create(
            customer=customer, category=category(), title="Fix my WLAN", postal_code="8004"
        )
        offer = offer_create(task=task, provider=other.provider, price=Money(5000, "CHF"))
        offer_accept(offer=offer, customer=customer, starts_at=next_local(16, days_ahead=5))
        asked = timezone.now() - three_days
        TaskRequest.objects.filter(pk=task.pk).update(created_at=asked)
        Offer.objects.filter(pk=offer.pk).update(created_at=asked + timedelta(minutes=30))
        agreed = Booking.objects.get(offer=offer)
        Booking.objects.filter(pk=agreed.pk).update(created_at=asked + timedelta(minutes=50))

        e = booking_request_slot(
            listing=wlan, customer=customer, starts_at=next_local(15, days_ahead=6)
        )
        _asked(e, three_days)
        f = booking_request_slot(
            listing=wlan, customer=customer, starts_at=next_local(15, days_ahead=7)
        )
        _asked(f, timedelta(minutes=10))
        return {"a": a, "b": b, "c": c, "task": task, "e": e, "f": f, "agreed": agreed}


def test_per_request_times_and_shares_per_category_and_week(
    tenant_a, seeded, django_assert_max_num_queries
):
    with tenant_a.context(), django_assert_max_num_queries(3):
        speed = dispatch_speed()

    by_request = {(r.kind, r.pk): (r.first_offer, r.accepted) for r in speed.recent}
    minutes = lambda n: timedelta(minutes=n)  # noqa: E731
    assert by_request[("booking", seeded["a"].pk)] == (minutes(10), minutes(10))
    assert by_request[("booking", seeded["b"].pk)] == (minutes(20), minutes(90))
    assert by_request[("booking", seeded["c"].pk)] == (minutes(5), minutes(5))
    assert by_request[("task", seeded["task"].pk)] == (minutes(30), minutes(50))
    assert by_request[("booking", seeded["e"].pk)] == (None, None)
    # the booking made from the task's offer is measured as the task, not twice
    assert ("booking", seeded["agreed"].pk) not in by_request
    assert speed.recent[0].pk == seeded["f"].pk  # newest first

    rows = [
        (r.category_slug, r.counted, r.accepted_within, r.median_first_offer, r.median_accepted)
        for r in speed.rows
    ]
    # F is younger than an hour and unanswered: not counted yet
    assert rows == [
        ("moving-help", 1, 1, minutes(5), minutes(5)),
        ("router-setup", 2, 1, minutes(30), minutes(50)),
        ("router-setup", 2, 1, minutes(15), minutes(50)),
    ]
    assert [r.share_percent for r in speed.rows] == [100, 50, 50]
    shares = [percent for _week, percent in speed.weekly_share if percent is not None]
    assert shares == [50, 67]
    assert len(speed.weekly_share) == 12


def test_the_analytics_page_shows_the_speed_in_german(tenant_a, seeded):
    admin = tenant_a.session_client("admin")

    page = admin.get("/back-office/analytics/", HTTP_ACCEPT_LANGUAGE="de")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="chart-accepted-within-hour"' in html
    assert 'id="speed-per-category"' in html
    assert 'id="speed-per-request"' in html
    assert "Wie schnell Hilfe kommt" in html
    assert "50 % (1 von 2)" in html


def test_no_requests_reads_as_none_yet(tenant_a):
    with tenant_a.context():
        speed = dispatch_speed()
    assert (speed.rows, speed.recent) == ([], [])
    assert all(percent is None for _week, percent in speed.weekly_share)
