"""Bookings under contention: the database guarantee vs an application-level check.

Run: .venv/bin/python bench/bookings.py [--attempts 200] [--providers 200] [--workers 8]
                                        [--bookings 2000]

1. `attempts` threads (one connection each) book the same slot at the same instant through
   `booking_request_slot`: exactly one must succeed, every other attempt must get the clean
   409 slot_taken, and nothing else.
2. Baseline: the same race with the exclusion constraint dropped, so that only the
   application's "is this slot free?" check guards the slot: how many double bookings
   get through.
3. Sustained throughput: `workers` threads book `bookings` random free slots across
   `providers` providers; bookings/s and latency percentiles of one booking request.
Prints one JSON line with the raw figures.
"""

import argparse
import json
import os
import random
import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from _setup import bench_database, median, percentile

ZURICH = ZoneInfo("Europe/Zurich")


def main() -> None:
    # Notifications are queued, not sent inline, as in production (an in-memory broker
    # that nothing consumes stands in for Redis).
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=200)
    parser.add_argument("--providers", type=int, default=200)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--bookings", type=int, default=2000)
    arguments = parser.parse_args()
    with bench_database("quartier_bench_bookings"):
        figures = run(arguments)
    print(json.dumps(figures))


def run(arguments) -> dict:
    from django.core.management import call_command

    from quartier.platform.tenancy import tenant_context
    from quartier.tenants.services import tenant_provision

    call_command("migrate", verbosity=0, no_pool=True)
    tenant = tenant_provision(
        name="Bookings bench", slug="bookings-bench", admin_email="admin@bench.test"
    ).tenant
    with tenant_context(tenant):
        customers = _customers(max(arguments.attempts, arguments.workers * 4))
        race_listing = _listings(1, "8004")[0]
        listings = _listings(arguments.providers, None)
    slot = _local(2, 10)
    race = _race(tenant, race_listing, customers[: arguments.attempts], slot)
    with tenant_context(tenant):
        _drop_constraint()
        baseline_listing = _listings(1, "8004")[0]
    baseline = _race(tenant, baseline_listing, customers[: arguments.attempts], slot)
    with tenant_context(tenant):
        _restore_constraint()
    throughput = _sustained(tenant, listings, customers, arguments.workers, arguments.bookings)
    return {
        "attempts": arguments.attempts,
        "race_succeeded": race["booked"],
        "race_conflicts": race["conflicts"],
        "race_other_errors": race["other"],
        "baseline_succeeded": baseline["booked"],
        "baseline_double_bookings": max(0, baseline["booked"] - 1),
        "providers": arguments.providers,
        "workers": arguments.workers,
        **throughput,
    }


def _local(days_ahead: int, hour: int, minute: int = 0) -> datetime:
    from django.utils import timezone

    day = timezone.now().astimezone(ZURICH).date() + timedelta(days=days_ahead)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZURICH).astimezone(UTC)


def _customers(count: int):
    from django.contrib.auth.hashers import make_password

    from quartier.accounts.models import User

    unusable = make_password(None)
    return User.objects.bulk_create(
        [User(email=f"c{i}@bench.test", password=unusable) for i in range(count)]
    )


def _listings(count: int, postal_code: str | None):
    from datetime import time as wall

    from quartier.accounts.models import User
    from quartier.bookings.services.schedule import schedule_update
    from quartier.catalog.models import Category, Listing
    from quartier.catalog.services.listings import listing_create, listing_set_status
    from quartier.platform.money import Money
    from quartier.providers.models import ProviderProfile
    from quartier.providers.services import provider_profile_create

    category = Category.objects.get(slug="router-setup")
    codes = ["8004", "8003", "8005", "8006", "8037", "8045", "8050", "8057"]
    made = []
    for index in range(count):
        number = User.objects.count()
        user = User.objects.create_user(
            email=f"p{number}@bench.test", password=None, role=User.Role.PROVIDER
        )
        profile = provider_profile_create(
            user=user, display_name=f"P{number}", home_postal_code=postal_code or codes[index % 8]
        )
        ProviderProfile.objects.filter(pk=profile.pk).update(is_vetted=True)
        profile.refresh_from_db()
        schedule_update(
            provider=profile,
            lead_time_minutes=0,
            buffer_minutes=0,
            weekly_hours=[
                {"weekday": day, "starts": wall(7), "ends": wall(21)} for day in range(7)
            ],
        )
        listing = listing_create(
            provider=profile,
            category=category,
            title="WLAN",
            price=Money(6000, "CHF"),
            duration_minutes=60,
        )
        made.append(listing_set_status(listing=listing, status=Listing.Status.PUBLISHED))
    return made


def _threads(count: int, work) -> list:
    from django.db import connections

    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # counted by the caller
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _race(tenant, listing, customers, slot) -> dict:
    from quartier.bookings.models import Booking
    from quartier.bookings.services.requests import booking_request_slot
    from quartier.platform.errors import Conflict
    from quartier.platform.tenancy import tenant_context

    def attempt(index):
        with tenant_context(tenant):
            return booking_request_slot(listing=listing, customer=customers[index], starts_at=slot)

    results = _threads(len(customers), attempt)
    booked = sum(isinstance(r, Booking) for r in results)
    conflicts = sum(isinstance(r, Conflict) and r.code == "slot_taken" for r in results)
    return {"booked": booked, "conflicts": conflicts, "other": len(results) - booked - conflicts}


def _drop_constraint() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE bookings_booking DROP CONSTRAINT bookings_no_overlap")


def _restore_constraint() -> None:
    from django.db import connection

    from quartier.bookings.models import Booking

    constraint = next(c for c in Booking._meta.constraints if c.name == "bookings_no_overlap")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bookings_bookingevent")
        cursor.execute("DELETE FROM bookings_booking")
    with connection.schema_editor() as editor:
        editor.add_constraint(Booking, constraint)


def _sustained(tenant, listings, customers, workers: int, total: int) -> dict:
    from quartier.bookings.services.requests import booking_request_slot
    from quartier.platform.errors import Conflict
    from quartier.platform.tenancy import tenant_context

    rng = random.Random(11)
    # Every provider's day 3..9 from 07:00 to 20:00 on the hour: a pool of free slots.
    plan = [
        (listing, _local(day, hour))
        for listing in listings
        for day in range(3, 10)
        for hour in range(7, 20)
    ]
    rng.shuffle(plan)
    plan = plan[:total]
    latencies: list[float] = []
    conflicts = 0
    lock = threading.Lock()
    cursor = iter(range(len(plan)))

    def worker(index):
        nonlocal conflicts
        with tenant_context(tenant):
            for position in cursor:
                listing, slot = plan[position]
                started = time.perf_counter()
                try:
                    booking_request_slot(listing=listing, customer=customers[index], starts_at=slot)
                except Conflict:
                    with lock:
                        conflicts += 1
                    continue
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)

    started = time.perf_counter()
    errors = [r for r in _threads(workers, worker) if isinstance(r, Exception)]
    seconds = time.perf_counter() - started
    if errors:
        raise SystemExit(f"sustained run failed: {errors[0]!r}")
    return {
        "bookings": len(latencies),
        "sustained_conflicts": conflicts,
        "seconds": round(seconds, 2),
        "bookings_per_s": round(len(latencies) / seconds, 1),
        "p50_ms": round(median(latencies), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
    }


if __name__ == "__main__":
    main()
