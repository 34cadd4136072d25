from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from quartier.bookings.availability import free_slots
from quartier.bookings.models import BusyTime
from quartier.bookings.services.schedule import time_off_add
from quartier.platform.errors import ApplicationError
from tests.bookings.factories import ZURICH, bookable_listing, next_local
from tests.catalog.factories import make_provider


def _day(listing, day_start):
    return free_slots(
        provider=listing.provider,
        duration_minutes=60,
        start=day_start,
        end=day_start + timedelta(days=1),
        now=day_start - timedelta(days=1),
    )


def test_slots_follow_the_weekly_hours_grid(tenant_a):
    with tenant_a.context():
        listing = bookable_listing()
        start = next_local(0)
        slots = _day(listing, start)

    local = [slot.starts_at.astimezone(ZURICH).strftime("%H:%M") for slot in slots]
    assert local[0] == "08:00"
    assert local[-1] == "17:00"  # a 60-minute job must end by 18:00
    assert len(local) == 19  # every half hour from 08:00 to 17:00


def test_bookings_and_their_buffer_block_slots(tenant_a):
    with tenant_a.context():
        listing = bookable_listing(buffer_minutes=30)
        from quartier.bookings.services.requests import booking_request_slot

        booking_request_slot(
            listing=listing, customer=tenant_a.users["customer"], starts_at=next_local(10)
        )
        slots = free_slots(
            provider=listing.provider, duration_minutes=60, start=next_local(8), end=next_local(14)
        )

    local = {slot.starts_at.astimezone(ZURICH).strftime("%H:%M") for slot in slots}
    # 10:00-11:00 is taken and 30 minutes of buffer follow it (and precede a new job).
    assert {"08:30", "11:30", "12:00"} <= local
    assert not local & {"09:30", "10:00", "10:30", "11:00"}


def test_time_off_busy_times_and_lead_time(tenant_a):
    with tenant_a.context():
        listing = bookable_listing(lead_minutes=0)
        provider = listing.provider
        time_off_add(provider=provider, starts_at=next_local(12), ends_at=next_local(14))
        BusyTime.objects.create(provider=provider, starts_at=next_local(15), ends_at=next_local(16))
        slots = free_slots(
            provider=provider, duration_minutes=60, start=next_local(8), end=next_local(18)
        )
        soon = free_slots(
            provider=provider,
            duration_minutes=60,
            start=next_local(8),
            end=next_local(18),
            now=next_local(16) - timedelta(minutes=1),
        )

    local = {slot.starts_at.astimezone(ZURICH).strftime("%H:%M") for slot in slots}
    # The 15-minute buffer after a job also keeps it clear of time off and busy times.
    assert not local & {"11:00", "11:30", "12:00", "13:30", "14:00", "14:30", "15:00", "15:30"}
    assert {"10:30", "16:00"} <= local
    assert [s.starts_at.astimezone(ZURICH).strftime("%H:%M") for s in soon] == [
        "16:00",
        "16:30",
        "17:00",
    ]


@pytest.mark.parametrize(
    ("day", "offset_hours"),
    [("2027-03-28", 2), ("2027-10-31", 1)],  # last Sundays of March (CEST) and October (CET)
)
def test_dst_days_keep_wall_clock_hours(tenant_a, day, offset_hours):
    sunday = datetime.fromisoformat(day).date()
    with tenant_a.context():
        listing = bookable_listing(weekdays=[6], opens=time(9), closes=time(17))
        start = datetime.combine(sunday, time(0), tzinfo=ZURICH).astimezone(UTC)
        slots = _day(listing, start)

    assert len(slots) == 15  # 09:00 ... 16:00 every half hour
    first = slots[0].starts_at
    assert first == datetime.combine(sunday, time(9 - offset_hours), tzinfo=UTC)
    assert first.astimezone(ZURICH).strftime("%H:%M") == "09:00"
    assert all(slot.ends_at - slot.starts_at == timedelta(hours=1) for slot in slots)


def test_the_spring_gap_is_skipped_and_the_autumn_hour_happens_twice(tenant_a):
    with tenant_a.context():
        listing = bookable_listing(weekdays=[6], opens=time(1), closes=time(4), duration_minutes=30)
        spring = datetime(2027, 3, 28, tzinfo=ZURICH)
        autumn = datetime(2027, 10, 31, tzinfo=ZURICH)
        spring_slots = free_slots(
            provider=listing.provider,
            duration_minutes=30,
            start=spring,
            end=spring + timedelta(days=1),
            now=spring - timedelta(days=1),
        )
        autumn_slots = free_slots(
            provider=listing.provider,
            duration_minutes=30,
            start=autumn,
            end=autumn + timedelta(days=1),
            now=autumn - timedelta(days=1),
        )

    spring_local = [s.starts_at.astimezone(ZURICH).strftime("%H:%M") for s in spring_slots]
    # 02:00-03:00 does not exist that night: 01:00-04:00 is two real hours.
    assert spring_local == ["01:00", "01:30", "03:00", "03:30"]
    autumn_local = [s.starts_at.astimezone(ZURICH).strftime("%H:%M") for s in autumn_slots]
    # 02:00-03:00 happens twice: four real hours, with 02:00 and 02:30 offered twice.
    assert autumn_local == ["01:00", "01:30", "02:00", "02:30", "02:00", "02:30", "03:00", "03:30"]
    assert len({s.starts_at for s in autumn_slots}) == 8


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2030-01-02T10:00:00+01:00", "end": "2030-01-01T10:00:00+01:00"}, "to"),
        ({"start": "2030-01-01T10:00:00+01:00", "end": "2040-01-01T10:00:00+01:00"}, "to"),
        ({"start": "yesterday", "end": "2030-01-01T10:00:00+01:00"}, "start"),
        ({"end": "2030-01-01T10:00:00+01:00"}, "start"),
    ],
)
def test_bad_slot_ranges_are_a_400(tenant_a, params, field):
    with tenant_a.context():
        listing = bookable_listing()

    response = tenant_a.client().get(f"/api/listings/{listing.pk}/slots/", params)

    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]


def test_slots_api(tenant_a):
    with tenant_a.context():
        listing = bookable_listing()
    start = next_local(0)

    response = tenant_a.client().get(
        f"/api/listings/{listing.pk}/slots/",
        {"start": start.isoformat(), "end": (start + timedelta(days=1)).isoformat()},
    )

    assert response.status_code == 200
    assert len(response.json()["slots"]) == 19


def test_a_provider_without_hours_has_no_slots(tenant_a):
    with tenant_a.context():
        provider = make_provider()
        now = timezone.now()
        assert (
            free_slots(
                provider=provider, duration_minutes=60, start=now, end=now + timedelta(days=7)
            )
            == []
        )
    with pytest.raises(ApplicationError):
        free_slots(provider=provider, duration_minutes=60, start=now, end=now + timedelta(days=60))


def test_one_off_extra_hours_open_slots_and_time_off_still_wins(tenant_a):
    with tenant_a.context():
        listing = bookable_listing(lead_minutes=0, buffer_minutes=0)
        provider = listing.provider
        # Evening hours after the 08:00-18:00 day, and time off over part of them.
        time_off_add(
            provider=provider,
            starts_at=next_local(18),
            ends_at=next_local(21),
            is_available=True,
        )
        time_off_add(provider=provider, starts_at=next_local(20), ends_at=next_local(21))
        slots = free_slots(
            provider=provider, duration_minutes=60, start=next_local(16), end=next_local(23)
        )

    local = [slot.starts_at.astimezone(ZURICH).strftime("%H:%M") for slot in slots]
    # The extra hours join the weekly ones (a job may run 17:30-18:30 across the seam).
    assert local == ["16:00", "16:30", "17:00", "17:30", "18:00", "18:30", "19:00"]


def test_extra_hours_on_a_day_without_weekly_hours(tenant_a):
    with tenant_a.context():
        listing = bookable_listing(lead_minutes=0, weekdays=[])
        time_off_add(
            provider=listing.provider,
            starts_at=next_local(9),
            ends_at=next_local(11),
            is_available=True,
        )
        slots = _day(listing, next_local(0))
        next_day = _day(listing, next_local(0, days_ahead=3))

    local = [slot.starts_at.astimezone(ZURICH).strftime("%H:%M") for slot in slots]
    assert local == ["09:00", "09:30", "10:00"]
    assert next_day == []
