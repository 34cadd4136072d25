"""The server-rendered booking journey: book, answer, confirm, complete, message, review."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quartier.bookings.models import Booking, Message, Review
from quartier.bookings.services.lifecycle import booking_transition
from quartier.bookings.services.requests import booking_request_slot
from tests.bookings.factories import (
    ZURICH,
    bookable_listing,
    completed_booking,
    confirmed_booking,
    next_local,
)
from tests.catalog.factories import make_provider


@pytest.fixture
def listing(tenant_a):
    with tenant_a.context():
        return bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))


def _bookings(handle):
    with handle.context():
        return list(Booking.objects.values_list("pk", "status", "kind"))


def _local_input(moment) -> str:
    return moment.astimezone(ZURICH).strftime("%Y-%m-%dT%H:%M")


def test_the_booking_page_offers_free_slots_grouped_by_day(tenant_a, listing):
    starts_at = next_local(14)
    day = starts_at.astimezone(ZURICH).date().isoformat()
    response = tenant_a.session_client("customer").get(f"/listings/{listing.pk}/book/?day={day}")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="slot-starts_at"' in page
    assert starts_at.isoformat() in page
    assert page.count('class="bk-day') >= 28  # four weeks, from today
    assert '<label for="id_windows-window_1_start">' in page


def test_a_customer_books_a_free_slot(tenant_a, listing):
    client = tenant_a.session_client("customer")
    starts_at = next_local(14)

    step_one = client.post(
        f"/listings/{listing.pk}/book/",
        {
            "mode": "slot",
            "slot-starts_at": starts_at.isoformat(),
            "slot-duration": "60",
            "slot-street": "Langstrasse 12",
            "slot-postal_code": "8004",
            "slot-note": "Ring twice",
        },
    )
    assert step_one.status_code == 302
    assert _bookings(tenant_a) == []
    response = client.post(step_one["Location"])

    with tenant_a.context():
        booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/bookings/{booking.pk}/confirmed/"
    assert (booking.status, booking.kind, booking.starts_at, booking.note) == (
        "requested",
        "slot",
        starts_at,
        "Ring twice",
    )
    detail = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert "Requested" in detail
    assert "Langstrasse 12, 8004 Zürich" in detail


def test_a_customer_proposes_windows_in_local_time(tenant_a, listing):
    client = tenant_a.session_client("customer")
    start = next_local(9, days_ahead=3)

    response = client.post(
        f"/listings/{listing.pk}/book/",
        {
            "mode": "windows",
            "windows-window_1_start": _local_input(start),
            "windows-window_1_end": _local_input(start + timedelta(hours=3)),
            "windows-window_2_start": _local_input(start + timedelta(days=1)),
            "windows-window_2_end": _local_input(start + timedelta(days=1, hours=2)),
        },
    )

    assert response.status_code == 302
    with tenant_a.context():
        booking = Booking.objects.get()
    assert booking.kind == "windows"
    assert [window["start"] for window in booking.windows] == [
        start.astimezone(ZURICH).isoformat(),
        (start + timedelta(days=1)).astimezone(ZURICH).isoformat(),
    ]


def test_bad_booking_input_names_the_field_and_creates_nothing(tenant_a, listing):
    client = tenant_a.session_client("customer")
    past = timezone.now() - timedelta(days=1)

    not_a_slot = client.post(
        f"/listings/{listing.pk}/book/", {"mode": "slot", "slot-starts_at": "yesterday"}
    )
    half_window = client.post(
        f"/listings/{listing.pk}/book/",
        {"mode": "windows", "windows-window_1_start": _local_input(next_local(9))},
    )
    in_the_past = client.post(
        f"/listings/{listing.pk}/book/",
        {
            "mode": "windows",
            "windows-window_1_start": _local_input(past),
            "windows-window_1_end": _local_input(past + timedelta(hours=2)),
        },
    )

    assert not_a_slot.status_code == 400
    assert 'aria-describedby="id_slot-starts_at-error"' in not_a_slot.content.decode()
    assert half_window.status_code == 400
    assert 'id="id_windows-window_1_end-error"' in half_window.content.decode()
    assert in_the_past.status_code == 400
    assert "Windows must be in the future." in in_the_past.content.decode()
    assert _bookings(tenant_a) == []


def test_booking_needs_a_login_and_not_ones_own_listing(tenant_a, listing):
    anonymous = tenant_a.client().get(f"/listings/{listing.pk}/book/")
    own = tenant_a.session_client("provider").post(
        f"/listings/{listing.pk}/book/",
        {"mode": "slot", "slot-starts_at": next_local(14).isoformat()},
    )

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert own.status_code == 403
    assert "You cannot book your own listing." in own.content.decode()
    assert _bookings(tenant_a) == []


def test_the_ui_follows_the_state_machine_to_completion(tenant_a, listing):
    with tenant_a.context():
        booking = booking_request_slot(
            listing=listing, customer=tenant_a.users["customer"], starts_at=next_local(10)
        )
    provider, customer = tenant_a.session_client("provider"), tenant_a.session_client("customer")
    url = f"/bookings/{booking.pk}/transition/"

    # the provider sees the request with Accept and Decline, the customer cannot accept
    board = provider.get("/dashboard/provider/").content.decode()
    assert f'aria-label="Accept — booking #{booking.pk}"' in board
    refused = customer.post(url, {"transition-action": "accept"})
    assert refused.status_code == 403
    accepted = provider.post(
        url, {"transition-action": "accept", "transition-next": "/dashboard/provider/"}
    )
    assert (accepted.status_code, accepted["Location"]) == (302, "/dashboard/provider/")
    # accepted -> confirmed is the customer's step, offered on their dashboard
    assert "Confirm" in customer.get("/dashboard/").content.decode()
    assert customer.post(url, {"transition-action": "confirm"}).status_code == 302
    # completing before the job started is refused with the reason
    early = provider.post(url, {"transition-action": "complete"})
    assert early.status_code == 409
    assert "once the job has started" in early.content.decode()
    with tenant_a.context():
        Booking.objects.filter(pk=booking.pk).update(
            starts_at=timezone.now() - timedelta(hours=2),
            ends_at=timezone.now() - timedelta(hours=1),
            blocked_until=timezone.now() - timedelta(minutes=45),
        )
    assert provider.post(url, {"transition-action": "complete"}).status_code == 302
    with tenant_a.context():
        assert Booking.objects.get(pk=booking.pk).status == "completed"
        assert list(booking.events.values_list("to_status", flat=True).order_by("id")) == [
            "requested",
            "accepted",
            "confirmed",
            "completed",
        ]


def test_an_open_redirect_is_not_followed(tenant_a, listing):
    with tenant_a.context():
        booking = booking_request_slot(
            listing=listing, customer=tenant_a.users["customer"], starts_at=next_local(10)
        )

    response = tenant_a.session_client("provider").post(
        f"/bookings/{booking.pk}/transition/",
        {"transition-action": "decline", "transition-next": "https://evil.example/"},
    )

    assert response["Location"] == f"/bookings/{booking.pk}/"


def test_windows_are_accepted_at_a_time_the_provider_picks(tenant_a, listing):
    client = tenant_a.session_client("customer")
    start = next_local(9, days_ahead=3)
    client.post(
        f"/listings/{listing.pk}/book/",
        {
            "mode": "windows",
            "windows-window_1_start": _local_input(start),
            "windows-window_1_end": _local_input(start + timedelta(hours=3)),
        },
    )
    with tenant_a.context():
        booking = Booking.objects.get()
    provider = tenant_a.session_client("provider")

    outside = provider.post(
        f"/bookings/{booking.pk}/transition/",
        {
            "transition-action": "accept",
            "transition-starts_at": _local_input(start - timedelta(hours=2)),
        },
    )
    inside = provider.post(
        f"/bookings/{booking.pk}/transition/",
        {
            "transition-action": "accept",
            "transition-starts_at": _local_input(start + timedelta(hours=1)),
        },
    )

    assert outside.status_code == 400
    assert "id_transition-starts_at-error" in outside.content.decode()
    assert inside.status_code == 302
    with tenant_a.context():
        booking.refresh_from_db()
    assert (booking.status, booking.starts_at) == ("accepted", start + timedelta(hours=1))


def test_messages_are_posted_as_inert_text(tenant_a, listing):
    with tenant_a.context():
        booking = confirmed_booking(listing=listing, customer=tenant_a.users["customer"])
    client = tenant_a.session_client("customer")

    sent = client.post(
        f"/bookings/{booking.pk}/messages/",
        {"message-body": 'Hello <img src=x onerror="alert(1)"><script>alert(2)</script> 2 < 3'},
    )
    empty = client.post(f"/bookings/{booking.pk}/messages/", {"message-body": ""})

    assert sent.status_code == 302
    page = tenant_a.session_client("provider").get(f"/bookings/{booking.pk}/").content.decode()
    assert "Hello  2 &lt; 3" in page
    assert "<script>alert(2)" not in page
    assert "onerror" not in page
    assert empty.status_code == 400
    with tenant_a.context():
        assert list(Message.objects.values_list("body", flat=True)) == ["Hello  2 < 3"]


def test_reviews_stay_sealed_until_both_sides_wrote(tenant_a, listing):
    with tenant_a.context():
        booking = completed_booking(listing=listing, customer=tenant_a.users["customer"])
    customer, provider = tenant_a.session_client("customer"), tenant_a.session_client("provider")
    url = f"/bookings/{booking.pk}/review/"

    first = customer.post(url, {"review-rating": "5", "review-text": "Quick and <b>kind</b>"})
    sealed_for_provider = provider.get(f"/bookings/{booking.pk}/").content.decode()
    own_view = customer.get(f"/bookings/{booking.pk}/").content.decode()
    bad = provider.post(url, {"review-rating": "9"})
    second = provider.post(url, {"review-rating": "4", "review-text": "Punctual customer"})
    again = customer.post(url, {"review-rating": "1"})

    assert first.status_code == 302
    assert "Quick and kind" not in sealed_for_provider
    assert 'name="review-rating"' in sealed_for_provider  # the provider may still write
    assert "Quick and kind" in own_view
    assert "stays sealed" in own_view
    assert bad.status_code == 400
    assert second.status_code == 302
    assert again.status_code == 409  # one review per side
    assert "You already reviewed this booking." in again.content.decode()
    both = customer.get(f"/bookings/{booking.pk}/").content.decode()
    assert "Quick and kind" in both
    assert "Punctual customer" in both
    with tenant_a.context():
        assert Review.objects.filter(revealed_at__isnull=False).count() == 2
    listing_page = tenant_a.client().get(f"/listings/{listing.pk}/").content.decode()
    assert "Quick and kind" in listing_page
    assert "Punctual customer" not in listing_page  # reviews of customers are not public


def test_another_user_of_the_tenant_cannot_act_on_a_booking(tenant_a, listing):
    with tenant_a.context():
        booking = booking_request_slot(
            listing=listing, customer=tenant_a.users["customer"], starts_at=next_local(10)
        )
    admin = tenant_a.session_client("admin")

    for path, data in [
        ("transition/", {"transition-action": "cancel"}),
        ("messages/", {"message-body": "hi"}),
        ("review/", {"review-rating": "5"}),
    ]:
        response = admin.post(f"/bookings/{booking.pk}/{path}", data)
        assert response.status_code == 404, path
    assert admin.get(f"/bookings/{booking.pk}/").status_code == 404
    with tenant_a.context():
        booking.refresh_from_db()
        assert (booking.status, Message.objects.count(), Review.objects.count()) == (
            "requested",
            0,
            0,
        )


def test_the_provider_dashboard_sends_someone_without_a_profile_to_the_wizard(tenant_a):
    response = tenant_a.session_client("customer").get("/dashboard/provider/")

    assert (response.status_code, response["Location"]) == (302, "/workspace/start/")


def test_the_customer_dashboard_lists_their_bookings(tenant_a, listing):
    with tenant_a.context():
        booking = booking_request_slot(
            listing=listing, customer=tenant_a.users["customer"], starts_at=next_local(10)
        )
        booking_transition(booking=booking, action="accept", actor=tenant_a.users["provider"])

    page = tenant_a.session_client("customer").get("/dashboard/").content.decode()

    assert f"/bookings/{booking.pk}/" in page
    assert "Accepted" in page
    assert f'aria-label="Confirm — booking #{booking.pk}"' in page
