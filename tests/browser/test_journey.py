"""The full journey through the UI: search, book, accept, confirm, complete, review."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from quartier.bookings.models import Booking
from tests.browser.booking_steps import booking_id_of, choose_slot, fill_details
from tests.browser.conftest import committed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def _happened(storefront, booking_id: int) -> None:
    """The job took place: move it into the past (the service refuses to complete a job
    that has not started, and the test cannot wait for the clock)."""
    past = timezone.now() - timedelta(hours=2)

    def move():
        with storefront.handle.context():
            Booking.objects.filter(pk=booking_id).update(
                starts_at=past,
                ends_at=past + timedelta(hours=1),
                blocked_until=past + timedelta(hours=1, minutes=15),
            )

    committed(move)


def test_customer_books_provider_answers_and_both_review(journey_storefront, new_context):
    market = journey_storefront
    base = market.base_url
    customer = new_context().new_page()
    provider = new_context().new_page()
    sign_in(customer, base, market.customer_email)
    sign_in(provider, base, market.provider_email)

    # the customer searches near 8003 from the home page
    customer.goto(f"{base}/")
    customer.get_by_label("What do you need?").fill("WLAN")
    customer.get_by_label("Postal code").fill("8003")
    customer.get_by_role("button", name="Search").click()
    result = customer.locator("li.result", has_text="WLAN setup at home")
    assert result.locator(".badge").inner_text() == "Vetted"
    assert "CHF\u00a060.00" in result.inner_text()

    # opens the listing and books a free slot tomorrow or later
    result.get_by_role("link", name="WLAN setup at home").click()
    assert customer.get_by_role("heading", level=1).inner_text() == "WLAN setup at home"
    customer.get_by_role("link", name="Book this service").click()
    choose_slot(customer, day=1)
    fill_details(customer, note="Third floor, ring twice")
    customer.get_by_role("button", name="Continue to the summary").click()
    customer.get_by_role("button", name="Send request").click()
    customer.wait_for_url(re.compile(r"/bookings/\d+/confirmed/$"))
    booking_id = booking_id_of(customer.url)
    customer.get_by_role("link", name="See your booking").click()
    assert customer.locator("#booking-status").inner_text() == "Requested"

    # a message in the thread
    customer.get_by_label("Your message").fill("Is the router model important?")
    customer.get_by_role("button", name="Send message").click()
    assert customer.get_by_text("Is the router model important?").is_visible()

    # the provider accepts from the dashboard
    provider.goto(f"{base}/dashboard/provider/")
    provider.get_by_role("button", name=f"Accept — booking #{booking_id}").click()
    assert provider.get_by_text("You accepted the request.").is_visible()

    # the customer confirms (accepted -> confirmed is the customer's step)
    customer.goto(f"{base}/dashboard/")
    customer.get_by_role("button", name=f"Confirm — booking #{booking_id}").click()
    assert customer.get_by_text("The booking is confirmed.").is_visible()

    # after the job, the provider marks it completed
    _happened(market, booking_id)
    provider.goto(f"{base}/dashboard/provider/")
    provider.get_by_role("button", name=f"Mark as completed — booking #{booking_id}").click()
    assert provider.get_by_text("The job is marked as completed.").is_visible()

    # the customer reviews first: the review stays sealed from the provider
    customer.goto(f"{base}/bookings/{booking_id}/")
    assert customer.locator("#booking-status").inner_text() == "Completed"
    customer.get_by_role("group", name="Stars").get_by_label("5").check()
    customer.get_by_label("Your review").fill("Fast, friendly and tidy.")
    customer.get_by_role("button", name="Publish review").click()
    assert customer.get_by_text("stays sealed").is_visible()
    provider.goto(f"{base}/bookings/{booking_id}/")
    assert provider.get_by_text("Fast, friendly and tidy.").count() == 0

    # the provider reviews: both are revealed
    provider.get_by_role("group", name="Stars").get_by_label("4").check()
    provider.get_by_label("Your review").fill("Clear directions, coffee ready.")
    provider.get_by_role("button", name="Publish review").click()
    assert provider.get_by_text("Fast, friendly and tidy.").is_visible()
    customer.reload()
    assert customer.get_by_text("Clear directions, coffee ready.").is_visible()
    assert customer.get_by_text("stays sealed").count() == 0

    # and the provider's public review shows on the listing, for anyone
    visitor = new_context().new_page()
    visitor.goto(f"{base}/listings/{market.listing.pk}/")
    assert visitor.get_by_text("Fast, friendly and tidy.").is_visible()
    assert visitor.get_by_text("Clear directions, coffee ready.").count() == 0
    with market.handle.context():
        assert list(
            Booking.objects.get(pk=booking_id)
            .events.order_by("id")
            .values_list("to_status", flat=True)
        ) == ["requested", "accepted", "confirmed", "completed"]
