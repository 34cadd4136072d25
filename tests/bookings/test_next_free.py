"""The results cards' next free slot: the batched computation gives what free_slots
gives, provider by provider, and costs the same queries for one provider or many."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quartier.bookings.availability import NEXT_FREE_DAYS, free_slots, next_free_slots
from quartier.bookings.models import BusyTime
from quartier.bookings.services.requests import booking_request_slot
from quartier.bookings.services.schedule import time_off_add
from tests.bookings.factories import bookable_listing, next_local
from tests.catalog.factories import make_provider


def _first(provider, minutes, now):
    slots = free_slots(
        provider=provider,
        duration_minutes=minutes,
        start=now,
        end=now + timedelta(days=NEXT_FREE_DAYS),
        now=now,
    )
    return slots[0] if slots else None


def _providers(tenant_a):
    plain = bookable_listing(provider=make_provider(display_name="Plain"))
    busy = bookable_listing(provider=make_provider(display_name="Busy"), lead_minutes=600)
    # Busy is away for the first days, has an imported busy time and a booking after.
    away_until = next_local(12, days_ahead=3)
    time_off_add(provider=busy.provider, starts_at=timezone.now(), ends_at=away_until)
    BusyTime.objects.create(
        provider=busy.provider, starts_at=away_until, ends_at=away_until + timedelta(hours=1)
    )
    booking_request_slot(
        listing=busy,
        customer=tenant_a.users["customer"],
        starts_at=away_until + timedelta(hours=1, minutes=30),
    )
    closed = bookable_listing(provider=make_provider(display_name="Closed"), weekdays=[])
    extra = bookable_listing(provider=make_provider(display_name="Extra"), weekdays=[])
    time_off_add(
        provider=extra.provider,
        starts_at=next_local(20, days_ahead=4),
        ends_at=next_local(22, days_ahead=4),
        is_available=True,
    )
    return [listing.provider for listing in (plain, busy, closed, extra)]


def test_the_batch_agrees_with_free_slots(tenant_a):
    now = timezone.now()
    with tenant_a.context():
        providers = _providers(tenant_a)
        wanted = [(provider, minutes) for provider in providers for minutes in (60, 180)]
        batch = next_free_slots(wanted=wanted, now=now)
        one_by_one = {
            (provider.pk, minutes): _first(provider, minutes, now) for provider, minutes in wanted
        }
    assert batch == one_by_one
    assert batch[(providers[2].pk, 60)] is None  # no hours at all
    assert batch[(providers[3].pk, 60)] is not None  # extra hours only


def test_the_batch_costs_the_same_queries_for_one_provider_or_four(tenant_a):
    with tenant_a.context():
        providers = _providers(tenant_a)
        with CaptureQueriesContext(connection) as one:
            next_free_slots(wanted=[(providers[0], 60)])
        with CaptureQueriesContext(connection) as four:
            next_free_slots(wanted=[(provider, 60) for provider in providers])
    assert len(four) == len(one)
