"""The month calendar and the calendar links in the isolation matrix (joined into
tests/workspace/isolation.py's ENDPOINTS). Their URLs carry no ids but the periods':
B's helper gets B's own calendar, and A's marker (a note, a listing title, the secret
feed token) must never show there, nor A's rows change."""

import itertools

from quartier.bookings.models import Schedule, TimeOff
from quartier.bookings.services.requests import booking_request_slot
from quartier.bookings.services.schedule import feed_token_rotate, schedule_update, time_off_add
from tests.bookings.factories import ZURICH, bookable_listing, next_local
from tests.catalog.factories import tenant_provider
from tests.tenancy.matrix import MARKER, Endpoint

_days = itertools.count(2, 2)  # a booking day, then a day off


def _other_tenant_provider(handle):
    tenant_provider(handle, display_name="Other tenant's helper")


def _month_with_rows(handle):
    """Time off, extra hours and a booking of A's helper, all in one month."""
    helper = tenant_provider(handle, display_name=MARKER)
    day = next(_days)
    booked = next_local(10, days_ahead=day)
    listing = helper.listings.filter(title=MARKER).first() or bookable_listing(
        provider=helper, title=MARKER
    )
    booking_request_slot(listing=listing, customer=handle.users["customer"], starts_at=booked)
    time_off_add(
        provider=helper,
        starts_at=next_local(19, days_ahead=day),
        ends_at=next_local(21, days_ahead=day),
        is_available=True,
        note=MARKER,
    )
    time_off_add(
        provider=helper,
        starts_at=next_local(0, days_ahead=day + 1),
        ends_at=next_local(23, days_ahead=day + 1),
        note=MARKER,
    )
    return {"marker": MARKER, "month": booked.astimezone(ZURICH).strftime("%Y-%m")}


def _grow(handle, params):
    _month_with_rows(handle)


def _extra_hours(handle):
    period = time_off_add(
        provider=tenant_provider(handle, display_name=MARKER),
        starts_at=next_local(19),
        ends_at=next_local(21),
        is_available=True,
        note=MARKER,
    )
    return {"pk": period.pk, "marker": MARKER}


def _profile(handle):
    tenant_provider(handle, display_name=MARKER)
    return {"marker": MARKER}


def _linked_schedule(handle):
    """A's schedule with a feed token (the marker: it must never show on B) and an
    imported calendar's address."""
    helper = tenant_provider(handle, display_name=MARKER)
    schedule = feed_token_rotate(provider=helper)
    schedule_update(provider=helper, lead_time_minutes=240, buffer_minutes=30)
    Schedule.objects.filter(pk=schedule.pk).update(
        import_url=f"https://calendar.example.com/{MARKER}.ics"
    )
    return {"marker": schedule.feed_token}


def _periods_state(handle):
    with handle.context():
        return list(TimeOff.objects.order_by("pk").values_list("pk", "note", "is_available"))


def _schedule_state(handle):
    with handle.context():
        return list(
            Schedule.objects.order_by("pk").values_list(
                "provider_id",
                "lead_time_minutes",
                "buffer_minutes",
                "feed_token",
                "import_url",
                "import_synced_at",
            )
        )


def _page(route, **fields) -> Endpoint:
    fields.setdefault("actor", "provider")
    fields.setdefault("make_other", _other_tenant_provider)
    return Endpoint(route, is_api=False, **fields)


ENDPOINTS = [
    _page(
        "workspace/calendar/",
        path="/workspace/calendar/?month={month}",
        make=_month_with_rows,
        cross=200,
        grow=_grow,
    ),
    _page(
        "workspace/calendar/time-off/",
        method="post",
        make=_extra_hours,
        body=lambda p: {"off-first_day": "2031-01-05", "off-last_day": "2031-01-06"},
        ok=302,
        cross=302,
        state=_periods_state,
    ),
    _page(
        "workspace/calendar/extra-hours/",
        method="post",
        make=_extra_hours,
        body=lambda p: {"extra-day": "2031-01-05", "extra-starts": "07:00", "extra-ends": "08:00"},
        ok=302,
        cross=302,
        state=_periods_state,
    ),
    _page(
        "workspace/calendar/periods/<int:pk>/delete/",
        method="post",
        path="/workspace/calendar/periods/{pk}/delete/",
        make=_extra_hours,
        ok=302,
        state=_periods_state,
    ),
    _page(
        "workspace/calendar/rules/",
        method="post",
        make=_linked_schedule,
        body=lambda p: {"rules-lead_time_minutes": "0", "rules-buffer_minutes": "0"},
        ok=302,
        cross=302,
        state=_schedule_state,
    ),
    _page("workspace/calendar/sync/", make=_linked_schedule, cross=200),
    _page(
        "workspace/calendar/sync/feed/",
        method="post",
        make=_linked_schedule,
        ok=302,
        cross=302,
        state=_schedule_state,
    ),
    # A refused address (no network in the matrix): nothing may change on either side.
    _page(
        "workspace/calendar/sync/import/",
        method="post",
        make=_linked_schedule,
        body=lambda p: {"import-url": "ftp://calendar.example.com/me.ics"},
        ok=400,
        cross=400,
        state=_schedule_state,
    ),
    _page(
        "workspace/calendar/sync/import/refresh/",
        method="post",
        make=_profile,
        ok=302,
        cross=302,
        state=_schedule_state,
    ),
    _page(
        "workspace/calendar/sync/import/remove/",
        method="post",
        make=_linked_schedule,
        ok=302,
        cross=302,
        state=_schedule_state,
    ),
]
