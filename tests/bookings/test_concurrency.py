"""Races against the real database: threads with their own connections, committed data.

These tests use a tenant of their own, provisioned and purged by the module fixture,
because the test transaction of the other tests is invisible to other connections.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from quartier.accounts.models import User
from quartier.accounts.services import user_create
from quartier.bookings.models import Booking
from quartier.bookings.services.requests import (
    booking_broadcast,
    booking_request_slot,
    broadcast_accept,
)
from quartier.catalog.models import Category
from quartier.platform.errors import Conflict
from quartier.platform.tenancy import public_context, tenant_context
from quartier.tenants.services import tenant_delete, tenant_provision, tenant_purge
from tests.bookings.factories import bookable_listing, next_local
from tests.catalog.factories import make_provider
from tests.conftest import PASSWORD


@pytest.fixture(scope="module")
def race_tenant(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), public_context():
        tenant = tenant_provision(
            name="Race", slug="race", admin_email="a@race.test", admin_password=PASSWORD
        ).tenant
    yield tenant
    with django_db_blocker.unblock(), public_context():
        tenant_purge(tenant=tenant_delete(tenant=tenant))


@pytest.fixture
def committed(django_db_blocker):
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


def _in_threads(count: int, work) -> list:
    """Run work(index) in `count` threads released at the same instant."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # collected and asserted by the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _customers(count: int, prefix: str) -> list[User]:
    return [user_create(email=f"{prefix}{i}@race.test", password=PASSWORD) for i in range(count)]


def test_fifty_threads_booking_one_slot_make_exactly_one_booking(race_tenant, committed):
    with tenant_context(race_tenant):
        listing = bookable_listing()
        customers = _customers(50, "slot")
    starts_at = next_local(10)

    def attempt(index):
        with tenant_context(race_tenant):
            return booking_request_slot(
                listing=listing, customer=customers[index], starts_at=starts_at
            )

    results = _in_threads(50, attempt)

    booked = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(booked) == 1
    assert len(refused) == 49
    assert {error.code for error in refused} == {"slot_taken"}
    with tenant_context(race_tenant):
        assert Booking.objects.filter(provider=listing.provider).count() == 1


def test_overlapping_but_different_slots_also_exclude_each_other(race_tenant, committed):
    with tenant_context(race_tenant):
        listing = bookable_listing(buffer_minutes=0)
        customers = _customers(12, "overlap")
    # 10:00, 10:30, 11:00, ... 12:30 for a 60-minute job: neighbours overlap by 30 minutes.
    starts = [next_local(10) + timedelta(minutes=30 * (i % 6)) for i in range(12)]

    def attempt(index):
        with tenant_context(race_tenant):
            return booking_request_slot(
                listing=listing, customer=customers[index], starts_at=starts[index]
            )

    results = _in_threads(12, attempt)

    unexpected = [r for r in results if not isinstance(r, Booking | Conflict)]
    assert unexpected == []
    with tenant_context(race_tenant):
        kept = list(Booking.objects.filter(provider=listing.provider).order_by("starts_at"))
    assert 1 <= len(kept) <= 3
    for earlier, later in zip(kept, kept[1:], strict=False):
        assert earlier.blocked_until <= later.starts_at


def test_twenty_providers_accepting_one_broadcast_make_exactly_one_winner(race_tenant, committed):
    with tenant_context(race_tenant):
        category = Category.objects.get(slug="streaming")
        providers = []
        for _ in range(20):
            listing = bookable_listing(
                provider=make_provider(postal_code="8004"), category_slug="streaming"
            )
            providers.append(listing.provider)
        customer = _customers(1, "broadcast")[0]
        booking = booking_broadcast(
            customer=customer, category=category, postal_code="8003", starts_at=next_local(15)
        )
        assert booking.invites.count() == 20

    def attempt(index):
        with tenant_context(race_tenant):
            return broadcast_accept(booking=booking, provider=providers[index])

    results = _in_threads(20, attempt)

    winners = [r for r in results if isinstance(r, Booking)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1
    assert len(losers) == 19
    assert {error.code for error in losers} == {"broadcast_taken"}
    with tenant_context(race_tenant):
        stored = Booking.objects.get(pk=booking.pk)
        assert stored.status == "accepted"
        assert stored.provider_id == winners[0].provider_id
        assert stored.events.filter(to_status="accepted").count() == 1
