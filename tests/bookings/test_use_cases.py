"""One use case per action: the booking page and the API share it, and GETs never write."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quartier.bookings.forms import TransitionForm
from quartier.bookings.models import Booking, BookingEvent, Message
from quartier.bookings.services.conversation import message_send
from quartier.bookings.services.lifecycle import (
    PAGE_ACTIONS,
    PARTY_ACTIONS,
    RULES,
    actions_for,
    booking_transition,
)
from quartier.bookings.services.requests import booking_broadcast, booking_request_slot
from tests.bookings.factories import ZURICH, bookable_listing, confirmed_booking, next_local
from tests.catalog.factories import make_provider


@pytest.fixture
def listing(tenant_a):
    with tenant_a.context():
        return bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))


def _local_input(moment) -> str:
    return moment.astimezone(ZURICH).strftime("%Y-%m-%dT%H:%M")


def _facts(handle, booking_id: int) -> tuple:
    """What a request leaves behind, apart from its id and times."""
    with handle.context():
        booking = Booking.objects.get(pk=booking_id)
        event = BookingEvent.objects.get(booking=booking)
        return (
            booking.kind,
            booking.status,
            booking.listing_id,
            booking.provider_id,
            booking.customer_id,
            booking.price_amount_minor,
            booking.duration_minutes,
            booking.note,
            (event.from_status, event.to_status, event.actor_id, event.data),
        )


def _new_booking_id(handle, before: set[int]) -> int:
    with handle.context():
        (created,) = set(Booking.objects.values_list("pk", flat=True)) - before
    return created


def _booking_ids(handle) -> set[int]:
    with handle.context():
        return set(Booking.objects.values_list("pk", flat=True))


def test_page_and_api_request_a_slot_through_the_same_use_case(tenant_a, listing):
    # given the same customer, once on the page and once on the API
    before = _booking_ids(tenant_a)
    customer = tenant_a.session_client("customer")
    step_one = customer.post(
        f"/listings/{listing.pk}/book/",
        {
            "mode": "slot",
            "slot-starts_at": next_local(10).isoformat(),
            "slot-duration": "60",
            "slot-street": "Langstrasse 12",
            "slot-postal_code": "8004",
            "slot-note": "Ring",
        },
    )
    page = customer.post(step_one["Location"])  # the summary sends the request
    from_page = _new_booking_id(tenant_a, before)
    api = tenant_a.client("customer").post(
        "/api/bookings/",
        {"listing": listing.pk, "starts_at": next_local(14).isoformat(), "note": "Ring"},
        format="json",
    )

    # then both made the same booking
    assert (page.status_code, api.status_code) == (302, 201)
    assert _facts(tenant_a, from_page) == _facts(tenant_a, api.json()["id"])
    assert _facts(tenant_a, from_page)[:2] == ("slot", "requested")


def test_page_and_api_propose_windows_through_the_same_use_case(tenant_a, listing):
    start = next_local(9)
    before = _booking_ids(tenant_a)
    page = tenant_a.session_client("customer").post(
        f"/listings/{listing.pk}/book/",
        {
            "mode": "windows",
            "windows-window_1_start": _local_input(start),
            "windows-window_1_end": _local_input(start + timedelta(hours=3)),
        },
    )
    from_page = _new_booking_id(tenant_a, before)
    api = tenant_a.client("customer").post(
        "/api/bookings/",
        {
            "listing": listing.pk,
            "windows": [
                {"start": start.isoformat(), "end": (start + timedelta(hours=3)).isoformat()}
            ],
        },
        format="json",
    )

    assert (page.status_code, api.status_code) == (302, 201)
    assert _facts(tenant_a, from_page) == _facts(tenant_a, api.json()["id"])
    with tenant_a.context():
        starts = {
            datetime.fromisoformat(Booking.objects.get(pk=pk).windows[0]["start"])
            for pk in (from_page, api.json()["id"])
        }
    assert starts == {start}


def test_page_and_api_refuse_alike(tenant_a, listing):
    # given the provider trying to book their own listing, on the page and on the API
    before = _booking_ids(tenant_a)

    page = tenant_a.session_client("provider").post(
        f"/listings/{listing.pk}/book/",
        {"mode": "slot", "slot-starts_at": next_local(11).isoformat()},
    )
    api = tenant_a.client("provider").post(
        "/api/bookings/",
        {"listing": listing.pk, "starts_at": next_local(11).isoformat()},
        format="json",
    )

    # then the one use case refuses both with the same status and message
    assert (page.status_code, api.status_code) == (403, 403)
    assert api.json()["message"] == "You cannot book your own listing."
    assert api.json()["message"] in page.content.decode()
    assert _booking_ids(tenant_a) == before


def test_reading_the_booking_page_leaves_messages_unread(tenant_a, listing):
    # given a message from the customer that the provider has not read
    with tenant_a.context():
        booking = confirmed_booking(listing=listing, customer=tenant_a.users["customer"])
        message_send(booking=booking, sender=tenant_a.users["customer"], body="Hello")
    provider = tenant_a.session_client("provider")

    # when the provider opens the booking page
    page = provider.get(f"/bookings/{booking.pk}/")

    # then nothing changed, and the page offers to mark the thread as read
    assert page.status_code == 200
    assert f'action="/bookings/{booking.pk}/messages/read/"' in page.content.decode()
    with tenant_a.context():
        assert list(Message.objects.values_list("read_at", flat=True)) == [None]


def test_marking_messages_read_is_an_explicit_post(tenant_a, listing):
    with tenant_a.context():
        booking = confirmed_booking(listing=listing, customer=tenant_a.users["customer"])
        message_send(booking=booking, sender=tenant_a.users["customer"], body="Hello")
        message_send(booking=booking, sender=tenant_a.users["provider"], body="Hi back")
    provider = tenant_a.session_client("provider")

    refused = provider.get(f"/bookings/{booking.pk}/messages/read/")
    marked = provider.post(f"/bookings/{booking.pk}/messages/read/")

    assert refused.status_code == 405
    assert (marked.status_code, marked["Location"]) == (302, f"/bookings/{booking.pk}/#messages")
    with tenant_a.context():
        read = dict(Message.objects.values_list("body", "read_at"))
    assert read["Hello"] is not None
    assert read["Hi back"] is None  # one's own messages are not "read" by oneself
    page = provider.get(f"/bookings/{booking.pk}/").content.decode()
    assert f'action="/bookings/{booking.pk}/messages/read/"' not in page


def test_a_stranger_cannot_mark_messages_read(tenant_a, listing):
    with tenant_a.context():
        booking = confirmed_booking(listing=listing, customer=tenant_a.users["customer"])
        message_send(booking=booking, sender=tenant_a.users["customer"], body="Hello")

    response = tenant_a.session_client("admin").post(f"/bookings/{booking.pk}/messages/read/")

    assert response.status_code == 404
    with tenant_a.context():
        assert list(Message.objects.values_list("read_at", flat=True)) == [None]


def test_api_urls_and_page_buttons_come_from_the_rule_table(tenant_a, listing):
    assert PARTY_ACTIONS == [
        "accept",
        "decline",
        "counter",
        "accept_counter",
        "confirm",
        "complete",
        "cancel",
        "no_show",
        "dispute",
    ]
    assert PAGE_ACTIONS == ["accept", "decline", "accept_counter", "confirm", "complete", "cancel"]
    assert [name for name, _ in TransitionForm().fields["action"].choices] == PAGE_ACTIONS
    with tenant_a.context():
        booking = booking_request_slot(
            listing=listing, customer=tenant_a.users["customer"], starts_at=next_local(10)
        )
        assert actions_for(booking, tenant_a.users["provider"]) == [
            "accept",
            "decline",
            "counter",
            "cancel",
        ]
        assert actions_for(booking, tenant_a.users["customer"]) == ["cancel"]
        booking = booking_transition(
            booking=booking,
            action="counter",
            actor=tenant_a.users["provider"],
            starts_at=next_local(15),
        )
        assert actions_for(booking, tenant_a.users["customer"]) == ["accept_counter", "cancel"]

    page = tenant_a.session_client("customer").get(f"/bookings/{booking.pk}/").content.decode()

    buttons = [str(RULES[name].button) for name in ("accept_counter", "cancel")]
    assert all(f">{label}</button>" in page for label in buttons)
    assert f">{RULES['accept'].button}</button>" not in page


def test_a_broadcast_is_taken_through_the_lifecycle(tenant_a, listing):
    with tenant_a.context():
        booking = booking_broadcast(
            customer=tenant_a.users["customer"],
            category=listing.category,
            postal_code="8004",
            starts_at=next_local(9),
        )

    taken = tenant_a.client("provider").post(f"/api/broadcasts/{booking.pk}/accept/")

    assert (taken.status_code, taken.json()["status"]) == (200, "accepted")
    assert [(e["from_status"], e["to_status"], e["data"]) for e in taken.json()["history"]] == [
        ("", "requested", {"action": "request", "invited": 1}),
        ("requested", "accepted", {"action": "broadcast_accept"}),
    ]


def _statements(client, path: str) -> int:
    client.get(path)  # warm the per-process caches (tenant, settings) first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return len(queries)


def test_booking_detail_costs_the_same_with_one_or_five_history_events(tenant_a, listing):
    with tenant_a.context():
        booking = booking_request_slot(
            listing=listing, customer=tenant_a.users["customer"], starts_at=next_local(10)
        )
    client = tenant_a.client("customer")
    path = f"/api/bookings/{booking.pk}/"
    with_one = _statements(client, path)

    with tenant_a.context():
        for hour in (12, 13, 14, 15):  # four counter-proposals: four more events
            booking_transition(
                booking=booking,
                action="counter",
                actor=tenant_a.users["provider"],
                starts_at=next_local(hour),
            )
    with_five = _statements(client, path)

    assert len(client.get(path).json()["history"]) == 5
    assert with_five == with_one


def test_open_broadcasts_cost_the_same_with_one_or_five_rows(tenant_a, listing):
    def broadcast(days_ahead):
        booking_broadcast(
            customer=tenant_a.users["customer"],
            category=listing.category,
            postal_code="8004",
            starts_at=next_local(9, days_ahead=days_ahead),
        )

    with tenant_a.context():
        broadcast(1)
    client = tenant_a.client("provider")
    with_one = _statements(client, "/api/broadcasts/")

    with tenant_a.context():
        for days_ahead in range(2, 6):
            broadcast(days_ahead)
    with_five = _statements(client, "/api/broadcasts/")

    assert len(client.get("/api/broadcasts/").json()) == 5
    assert with_five == with_one
