"""The month calendar and the calendar links, through the tenant's host: what a month
shows, adding and removing time off and extra hours, the booking rules, the private
feed link and reading the helper's own calendar; bad input in words, nothing half-saved."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quartier.bookings.models import BusyTime, Schedule, TimeOff
from tests.bookings.factories import ZURICH, bookable_listing, next_local
from tests.bookings.test_calendars_and_requests import _busy_calendar, _CalendarServer
from tests.catalog.factories import make_provider


@pytest.fixture
def helper(tenant_a):
    with tenant_a.context():
        return make_provider(user=tenant_a.users["provider"], display_name="Lea M.")


def _month(when) -> str:
    return when.astimezone(ZURICH).strftime("%Y-%m")


def _day_id(when) -> str:
    return "day-" + when.astimezone(ZURICH).strftime("%Y-%m-%d")


def _day_html(page: str, when) -> str:
    start = page.index(f'id="{_day_id(when)}"')
    return page[start : page.index("</li>\n", page.index("</ul>", start))]


def test_the_month_shows_hours_time_off_extra_hours_and_bookings(tenant_a, helper):
    booked = next_local(10, days_ahead=3)
    extra = next_local(7, days_ahead=4)
    off = next_local(12, days_ahead=5)
    with tenant_a.context():
        listing = bookable_listing(provider=helper, title="WLAN help", lead_minutes=0)
        from quartier.bookings.services.requests import booking_request_slot

        booking = booking_request_slot(
            listing=listing, customer=tenant_a.users["customer"], starts_at=booked
        )
        TimeOff.objects.create(
            provider=helper,
            starts_at=extra,
            ends_at=extra + timedelta(hours=1),
            is_available=True,
            note="Early bird",
        )
        TimeOff.objects.create(
            provider=helper,
            starts_at=off - timedelta(hours=12),
            ends_at=off + timedelta(hours=12),
            note="Dentist day",
        )
        TimeOff.objects.create(
            provider=helper,
            starts_at=booked + timedelta(hours=4),
            ends_at=booked + timedelta(hours=6),
            note="Dentist",
        )
    client = tenant_a.session_client("provider")

    pages = {
        when: client.get(f"/workspace/calendar/?month={_month(when)}").content.decode()
        for when in (booked, extra, off)
    }

    booking_day = _day_html(pages[booked], booked)
    assert "Working 08:00–18:00" in booking_day
    assert f'href="/bookings/{booking.pk}/"' in booking_day
    assert "WLAN help · Requested" in booking_day
    assert "Time off</span> 14:00–16:00 · Dentist" in booking_day  # hours still shown
    extra_day = _day_html(pages[extra], extra)
    assert "Extra hours</span> 07:00–08:00 · Early bird" in extra_day
    off_day = _day_html(pages[off], off)
    assert "Time off" in off_day
    assert "Dentist day" in off_day
    assert "Working" not in off_day


def test_a_bad_month_falls_back_to_this_month_and_links_lead_both_ways(tenant_a, helper):
    client = tenant_a.session_client("provider")
    this_month = timezone.now().astimezone(ZURICH).strftime("%Y-%m")

    for value in ("2026-13", "x", "1800-01", ""):
        response = client.get(f"/workspace/calendar/?month={value}")
        assert response.status_code == 200
        assert f'value="{this_month}"' in response.content.decode()
    december = client.get("/workspace/calendar/?month=2026-12").content.decode()
    assert 'href="/workspace/calendar/?month=2026-11"' in december
    assert 'href="/workspace/calendar/?month=2027-01"' in december
    assert december.count('class="ws-cal-day') == 31


def test_extra_hours_are_added_on_their_day_and_removed(tenant_a, helper):
    client = tenant_a.session_client("provider")
    day = timezone.now().astimezone(ZURICH).date() + timedelta(days=6)

    added = client.post(
        "/workspace/calendar/extra-hours/",
        {
            "extra-day": day.isoformat(),
            "extra-starts": "06:30",
            "extra-ends": "08:00",
            "extra-note": "Before work",
            "month": "2020-01",
        },
    )
    with tenant_a.context():
        period = TimeOff.objects.get()
        assert period.is_available
        assert period.starts_at.astimezone(ZURICH).strftime("%Y-%m-%d %H:%M") == (
            f"{day.isoformat()} 06:30"
        )
        assert period.ends_at - period.starts_at == timedelta(minutes=90)
    removed = client.post(
        f"/workspace/calendar/periods/{period.pk}/delete/", {"month": day.strftime("%Y-%m")}
    )

    assert (added.status_code, added["Location"]) == (
        302,
        f"/workspace/calendar/?month={day:%Y-%m}#day-{day:%Y-%m-%d}",
    )
    assert (removed.status_code, removed["Location"]) == (
        302,
        f"/workspace/calendar/?month={day:%Y-%m}#periods-heading",
    )
    with tenant_a.context():
        assert TimeOff.objects.count() == 0


def test_extra_hours_make_slots_outside_the_weekly_hours(tenant_a, helper):
    from quartier.bookings.availability import free_slots

    day = timezone.now().astimezone(ZURICH).date() + timedelta(days=6)
    with tenant_a.context():
        bookable_listing(provider=helper, lead_minutes=0)
    tenant_a.session_client("provider").post(
        "/workspace/calendar/extra-hours/",
        {"extra-day": day.isoformat(), "extra-starts": "05:00", "extra-ends": "06:00"},
    )
    with tenant_a.context():
        slots = free_slots(
            provider=helper,
            duration_minutes=60,
            start=next_local(0, days_ahead=6),
            end=next_local(7, days_ahead=6),
        )
    assert [slot.starts_at.astimezone(ZURICH).strftime("%H:%M") for slot in slots] == ["05:00"]


def test_time_off_from_the_calendar_returns_to_its_month(tenant_a, helper):
    response = tenant_a.session_client("provider").post(
        "/workspace/calendar/time-off/",
        {"off-first_day": "2030-12-24", "off-last_day": "2030-12-26", "off-note": "Christmas"},
    )

    assert (response.status_code, response["Location"]) == (
        302,
        "/workspace/calendar/?month=2030-12#day-2030-12-24",
    )
    with tenant_a.context():
        assert list(TimeOff.objects.values_list("note", "is_available")) == [("Christmas", False)]


@pytest.mark.parametrize(
    ("fields", "message", "field"),
    [
        ({"extra-starts": "10:00", "extra-ends": "09:00"}, "The end must come after", "ends"),
        ({"extra-day": ""}, "Enter the day you can work extra.", "day"),
        ({"extra-day": "31.02.2031"}, "Enter a date like 24.12.2026.", "day"),
        ({"extra-day": "2020-01-01"}, "Choose today or a later day.", "day"),
        ({"extra-starts": "7 am"}, "Enter a time like 08:30.", "starts"),
        ({"extra-ends": ""}, "Enter when you stop.", "ends"),
        ({"extra-note": "x" * 201}, "Keep the note under 200 characters.", "note"),
    ],
)
def test_bad_extra_hours_are_refused_in_words(tenant_a, helper, fields, message, field):
    data = {"extra-day": "2031-03-04", "extra-starts": "08:00", "extra-ends": "12:00"}
    response = tenant_a.session_client("provider").post(
        "/workspace/calendar/extra-hours/", data | fields
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_extra-{field}-error"' in page
    assert message in page
    with tenant_a.context():
        assert TimeOff.objects.count() == 0


def test_bad_time_off_on_the_calendar_is_refused(tenant_a, helper):
    response = tenant_a.session_client("provider").post(
        "/workspace/calendar/time-off/",
        {"off-first_day": "2030-12-24", "off-last_day": "2030-12-20"},
    )

    assert response.status_code == 400
    assert "The end must come after the start." in response.content.decode()
    with tenant_a.context():
        assert TimeOff.objects.count() == 0


def test_extra_hours_errors_are_in_the_helpers_language(tenant_a, helper):
    client = tenant_a.session_client("provider")
    response = client.post(
        "/workspace/calendar/extra-hours/",
        {"extra-day": "2031-03-04", "extra-starts": "10:00", "extra-ends": "09:00"},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Geben Sie den Tag ein, an dem Sie zusätzlich arbeiten." not in page
    assert "Das Ende muss nach dem Beginn liegen." in page
    assert "Zusätzliche Stunden" in page


def test_notice_and_break_are_saved_from_the_calendar(tenant_a, helper):
    client = tenant_a.session_client("provider")

    saved = client.post(
        "/workspace/calendar/rules/",
        {"rules-lead_time_minutes": "0", "rules-buffer_minutes": "45", "month": "2031-02"},
    )
    refused = client.post(
        "/workspace/calendar/rules/",
        {"rules-lead_time_minutes": "7", "rules-buffer_minutes": "999"},
    )

    assert (saved.status_code, saved["Location"]) == (
        302,
        "/workspace/calendar/?month=2031-02#rules-heading",
    )
    assert refused.status_code == 400
    assert "Choose how much notice you need." in refused.content.decode()
    with tenant_a.context():
        schedule = Schedule.objects.get(provider=helper)
        assert (schedule.lead_time_minutes, schedule.buffer_minutes) == (0, 45)


def test_the_feed_link_is_made_on_request_and_a_new_one_revokes_it(tenant_a, helper):
    client = tenant_a.session_client("provider")

    before = client.get("/workspace/calendar/sync/").content.decode()
    client.post("/workspace/calendar/sync/feed/")
    with tenant_a.context():
        first = Schedule.objects.get(provider=helper).feed_token
    page = client.get("/workspace/calendar/sync/").content.decode()
    client.post("/workspace/calendar/sync/feed/")
    with tenant_a.context():
        second = Schedule.objects.get(provider=helper).feed_token

    assert "Create my calendar link" in before
    assert 'id="feed-url"' not in before
    assert f"/calendar/{first}.ics" in page
    assert "Copy the link" in page
    assert first != second
    assert tenant_a.client().get(f"/calendar/{first}.ics").status_code == 404
    assert tenant_a.client().get(f"/calendar/{second}.ics").status_code == 200


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:9/x.ics", "This address is not reachable from the internet."),
        ("https://10.0.0.5/cal.ics", "This address is not reachable from the internet."),
        ("http://localhost/cal.ics", "This address is not reachable from the internet."),
        ("ftp://example.com/cal.ics", "Enter the full address, starting with https://."),
        ("not a url", "Enter the full address, starting with https://."),
        ("", "Paste the address of your calendar."),
    ],
)
def test_calendar_addresses_into_our_network_are_refused_in_words(tenant_a, helper, url, message):
    response = tenant_a.session_client("provider").post(
        "/workspace/calendar/sync/import/", {"import-url": url}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_import-url-error"' in page
    assert message in page
    assert "import_url" not in page
    with tenant_a.context():
        assert not Schedule.objects.filter(provider=helper).exclude(import_url="").exists()


def test_the_own_calendar_is_read_shown_and_removed(tenant_a, helper, settings):
    settings.CALENDAR_IMPORT_ALLOW_PRIVATE = True
    server = _CalendarServer(_busy_calendar(next_local(13), next_local(15)))
    client = tenant_a.session_client("provider")
    try:
        subscribed = client.post(
            "/workspace/calendar/sync/import/",
            {"import-url": server.url.replace("http://", "webcal://").replace("webcal", "http")},
        )
        refreshed = client.post("/workspace/calendar/sync/import/refresh/")
    finally:
        server.close()
    page = client.get("/workspace/calendar/sync/").content.decode()
    month = client.get(f"/workspace/calendar/?month={_month(next_local(13))}").content.decode()
    with tenant_a.context():
        assert BusyTime.objects.filter(provider=helper).count() == 1
    removed = client.post("/workspace/calendar/sync/import/remove/")

    assert subscribed.status_code == refreshed.status_code == removed.status_code == 302
    assert "Last read on" in page
    assert server.url in page
    assert "Busy in your own calendar" in _day_html(month, next_local(13))
    with tenant_a.context():
        schedule = Schedule.objects.get(provider=helper)
        assert (schedule.import_url, schedule.import_synced_at) == ("", None)
        assert BusyTime.objects.filter(provider=helper).count() == 0


def test_an_unreadable_calendar_is_a_status_not_an_error_page(tenant_a, helper, settings):
    settings.CALENDAR_IMPORT_ALLOW_PRIVATE = True
    client = tenant_a.session_client("provider")

    response = client.post(
        "/workspace/calendar/sync/import/", {"import-url": "http://127.0.0.1:9/nothing.ics"}
    )
    page = client.get("/workspace/calendar/sync/").content.decode()

    assert response.status_code == 302
    assert "Could not be read" in page
    assert "Errno" not in page
    assert "refused" not in page.lower()


def test_webcal_addresses_are_read_over_https(tenant_a, helper):
    from quartier.workspace.calendar_forms import CalendarUrlForm

    form = CalendarUrlForm({"import-url": "webcal://calendar.example.com/me.ics"}, prefix="import")

    assert form.is_valid()
    assert form.cleaned_data["url"] == "https://calendar.example.com/me.ics"
