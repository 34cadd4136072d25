import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from icalendar import Calendar

from quartier.bookings.availability import free_slots
from quartier.bookings.models import Booking, BusyTime
from quartier.catalog.models import Offer, TaskRequest
from quartier.catalog.services.tasks import offer_create, task_request_create
from quartier.platform.money import Money
from tests.bookings.factories import ZURICH, bookable_listing, confirmed_booking, next_local
from tests.catalog.factories import category, make_provider


@pytest.fixture
def listing(tenant_a):
    with tenant_a.context():
        return bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))


def test_the_private_feed_lists_bookings_and_rotation_revokes_it(tenant_a, listing):
    with tenant_a.context():
        booking = confirmed_booking(listing=listing, customer=tenant_a.users["customer"])
    provider = tenant_a.client("provider")
    feed_url = provider.get("/api/schedule/").json()["feed_url"]
    path = feed_url.removeprefix("http://telco.localhost")

    response = tenant_a.client().get(path)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"booking-t_telco-{booking.pk}@localhost"]
    assert str(events[0]["summary"]) == "WLAN setup – Telco"
    assert events[0].decoded("dtstart") == booking.starts_at

    rotated = provider.post("/api/schedule/feed-token/").json()["feed_url"]
    assert rotated != feed_url
    assert tenant_a.client().get(path).status_code == 404
    assert tenant_a.client().get(rotated.removeprefix("http://telco.localhost")).status_code == 200


class _CalendarServer:
    """A real HTTP server on a free port, serving one iCalendar document."""

    def __init__(self, body: bytes):
        handler_body = body

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.end_headers()
                self.wfile.write(handler_body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/busy.ics"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


def _busy_calendar(start, end) -> bytes:
    fmt = "%Y%m%dT%H%M%SZ"
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        f"BEGIN:VEVENT\r\nUID:dentist@example\r\nDTSTART:{start.strftime(fmt)}\r\n"
        f"DTEND:{end.strftime(fmt)}\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\n"
        f"BEGIN:VEVENT\r\nUID:free@example\r\nDTSTART:{start.strftime(fmt)}\r\n"
        f"DTEND:{end.strftime(fmt)}\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    ).encode()


def test_imported_busy_times_block_slots(tenant_a, listing, settings):
    settings.CALENDAR_IMPORT_ALLOW_PRIVATE = True
    server = _CalendarServer(_busy_calendar(next_local(13), next_local(15)))
    provider = tenant_a.client("provider")
    try:
        saved = provider.patch("/api/schedule/", {"import_url": server.url}, format="json")
        assert saved.status_code == 200, saved.json()
        synced = provider.post("/api/schedule/import/")
    finally:
        server.close()

    assert synced.status_code == 200
    assert synced.json()["import_error"] == ""
    with tenant_a.context():
        assert BusyTime.objects.filter(provider=listing.provider).count() == 1
        slots = free_slots(
            provider=listing.provider, duration_minutes=60, start=next_local(8), end=next_local(18)
        )
    local = {slot.starts_at.astimezone(ZURICH).strftime("%H:%M") for slot in slots}
    assert not local & {"12:00", "13:00", "14:00", "14:30"}
    assert "15:00" in local


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.ics",
        "http://10.0.0.5/cal.ics",
        "ftp://example.com/cal.ics",
        "file:///etc/passwd",
        "http://localhost/cal.ics",
    ],
)
def test_calendar_urls_into_our_network_are_refused(tenant_a, listing, url):
    response = tenant_a.client("provider").patch(
        "/api/schedule/", {"import_url": url}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["import_url"]


def test_an_unreachable_calendar_is_a_clear_error(tenant_a, listing, settings):
    settings.CALENDAR_IMPORT_ALLOW_PRIVATE = True
    provider = tenant_a.client("provider")
    provider.patch(
        "/api/schedule/", {"import_url": "http://127.0.0.1:9/nothing.ics"}, format="json"
    )

    response = provider.post("/api/schedule/import/")

    assert response.status_code == 400
    assert response.json()["code"] == "calendar_unreachable"
    assert provider.get("/api/schedule/").json()["import_error"]


def test_schedule_validation(tenant_a, listing):
    provider = tenant_a.client("provider")

    overlapping = provider.patch(
        "/api/schedule/",
        {
            "weekly_hours": [
                {"weekday": 0, "starts": "08:00", "ends": "12:00"},
                {"weekday": 0, "starts": "11:00", "ends": "14:00"},
            ]
        },
        format="json",
    )
    reversed_hours = provider.patch(
        "/api/schedule/",
        {"weekly_hours": [{"weekday": 0, "starts": "12:00", "ends": "08:00"}]},
        format="json",
    )
    bad_day = provider.patch(
        "/api/schedule/",
        {"weekly_hours": [{"weekday": 7, "starts": "08:00", "ends": "12:00"}]},
        format="json",
    )

    for response in (overlapping, reversed_hours, bad_day):
        assert response.status_code == 400
        assert list(response.json()["fields"]) == ["weekly_hours"]
    time_off = provider.post(
        "/api/schedule/time-off/",
        {"starts_at": next_local(12).isoformat(), "ends_at": next_local(10).isoformat()},
        format="json",
    )
    assert (time_off.status_code, list(time_off.json()["fields"])) == (400, ["ends_at"])


def test_an_accepted_offer_becomes_a_booking(tenant_a):
    with tenant_a.context():
        provider = make_provider(user=tenant_a.users["provider"], postal_code="8004")
        task = task_request_create(
            customer=tenant_a.users["customer"],
            category=category(),
            title="Set up my WLAN",
            postal_code="8003",
        )
        offer = offer_create(
            task=task,
            provider=provider,
            price=Money(9000, "CHF"),
            proposed_start=next_local(18),
            proposed_minutes=90,
        )

    response = tenant_a.client("customer").post(f"/api/offers/{offer.pk}/accept/")

    assert response.status_code == 200
    booking_id = response.json()["booking_id"]
    booking = tenant_a.client("customer").get(f"/api/bookings/{booking_id}/").json()
    assert (booking["kind"], booking["status"]) == ("offer", "accepted")
    assert booking["price"]["amount_minor"] == 9000
    assert booking["duration_minutes"] == 90
    with tenant_a.context():
        assert Offer.objects.get(pk=offer.pk).booking_id == booking_id
        assert TaskRequest.objects.get(pk=task.pk).status == "assigned"


def test_broadcast_reaches_vetted_providers_in_range_only(tenant_a):
    with tenant_a.context():
        near = bookable_listing(provider=make_provider(postal_code="8004"))
        bookable_listing(provider=make_provider(postal_code="1003"))  # Lausanne: too far
        unvetted = bookable_listing(provider=make_provider(postal_code="8005"))
        type(unvetted.provider).objects.filter(pk=unvetted.provider_id).update(is_vetted=False)
        router = category().pk
    customer = tenant_a.client("customer")

    created = customer.post(
        "/api/bookings/broadcast/",
        {"category": router, "postal_code": "8003", "starts_at": next_local(11).isoformat()},
        format="json",
    )

    assert created.status_code == 201, created.json()
    booking = created.json()
    assert (booking["kind"], booking["provider"]) == ("broadcast", None)
    with tenant_a.context():
        invited = set(
            Booking.objects.get(pk=booking["id"]).invites.values_list("provider_id", flat=True)
        )
    assert invited == {near.provider_id}
    nowhere = customer.post(
        "/api/bookings/broadcast/",
        {"category": router, "postal_code": "3920", "starts_at": next_local(11).isoformat()},
        format="json",
    )
    assert (nowhere.status_code, nowhere.json()["code"]) == (400, "no_providers")


def test_expired_broadcast_cannot_be_taken(tenant_a):
    with tenant_a.context():
        listing = bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))
        from quartier.bookings.services.requests import booking_broadcast

        booking = booking_broadcast(
            customer=tenant_a.users["customer"],
            category=listing.category,
            postal_code="8004",
            starts_at=next_local(9) + timedelta(days=1),
        )
        Booking.objects.filter(pk=booking.pk).update(status="expired")

    taken = tenant_a.client("provider").post(f"/api/broadcasts/{booking.pk}/accept/")

    assert (taken.status_code, taken.json()["code"]) == (409, "broadcast_taken")
    assert taken.json()["status"] == "expired"
