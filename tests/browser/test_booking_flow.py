"""The booking flow and the results cards in Chromium, by pages only: a phone (390 x 844)
and a desktop (1280 x 900), screenshots of every step, axe-core, no sideways scroll.

The journey runs in a marketplace of its own (completing a job writes the append-only
ledger, which only dropping the schema removes), with an hourly listing so the customer
picks a duration and sees price x hours. The only non-page step is moving the booked
job into the past, as the other journeys do: the clock cannot be waited for.
"""

import re
import uuid

import pytest

from quartier.catalog.models import Listing
from tests.browser.booking_steps import STREET, booking_id_of, choose_slot, fill_details
from tests.browser.conftest import SCREENSHOTS, _seed, axe_violations, sign_in
from tests.browser.test_journey import _happened

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def hourly_storefront(tenant_pair, live_server_port):
    from quartier.platform.tenancy import public_context
    from quartier.tenants.services import tenant_delete, tenant_purge
    from tests.conftest import _provision

    with public_context():
        handle = _provision(f"flow{uuid.uuid4().hex[:6]}", "Flow Helpers")
    storefront = _seed(
        handle, live_server_port, "Home network help", "Wi-Fi, printers and TV boxes."
    )
    with handle.context():
        Listing.objects.filter(pk=storefront.listing.pk).update(price_unit=Listing.PriceUnit.HOUR)
    yield storefront
    with public_context():
        tenant_delete(tenant=handle.tenant, reason="browser test done")
        tenant_purge(tenant=handle.tenant)


def _check(page, name: str) -> None:
    """Screenshot, axe-core and no sideways scroll on the current page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert axe_violations(page) == [], name
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"


@pytest.mark.parametrize("slug", ["telco", "acme"])
def test_results_and_booking_steps_on_a_phone_and_a_desktop(storefronts, new_context, slug):
    market = storefronts[slug]
    context = new_context()
    page = context.new_page()
    sign_in(page, market.base_url, market.customer_email)
    # German last: its words run longest, on the narrowest screen.
    for label, viewport, language in (
        ("390", PHONE, "en"),
        ("1280", DESKTOP, "en"),
        ("390-de", PHONE, "de"),
    ):
        page.set_viewport_size(viewport)
        if language != "en":
            _switch_language(page, market, language)
        page.goto(f"{market.base_url}/search/?q=&postal_code=8004")
        first = page.locator("li.result").first
        box = first.bounding_box()
        assert box is not None
        assert box["y"] < viewport["height"], (label, box)  # no scrolling to the first
        _check(page, f"{slug}-results-cards-{label}")
        if label == "390":
            assert not page.locator(".rs-filters").is_visible()  # the drawer starts shut
            page.get_by_text(re.compile(r"^Filters")).click()
            assert page.get_by_label("Category").is_visible()

        page.goto(f"{market.base_url}/listings/{market.listing.pk}/book/")
        _check(page, f"{slug}-booking-step1-{label}")
        choose_slot(page, day=1)
        fill_details(page, note="Zweiter Stock — «Klingel defekt» 📶")
        page.locator("form.slot-form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/book/summary/$"))
        assert page.locator("table.bk-price tfoot").is_visible()
        assert page.locator(".bk-terms").inner_text().strip()
        _check(page, f"{slug}-booking-summary-{label}")
    assert page.locator("html").get_attribute("lang") == "de"
    _switch_language(page, market, "en")  # the customer is shared with other tests


def _switch_language(page, market, language: str) -> None:
    """With the language menu, as a person does (it is kept for the signed-in user)."""
    page.goto(f"{market.base_url}/")
    page.locator("#q-language-select").select_option(language)
    page.locator("form.q-language button[type=submit]").click()
    page.wait_for_load_state()


def test_search_book_with_address_and_duration_confirm_mark_done_review(
    hourly_storefront, new_context
):
    market = hourly_storefront
    base = market.base_url
    customer = new_context().new_page()
    provider = new_context().new_page()
    customer.set_viewport_size(PHONE)
    sign_in(customer, base, market.customer_email)
    sign_in(provider, base, market.provider_email)

    # search from the home page; the card shows the unit, the rating rule and a next slot
    customer.goto(f"{base}/")
    customer.get_by_label("What do you need?").fill("network")
    customer.get_by_label("Postal code").fill("8003")
    customer.get_by_role("button", name="Search").click()
    card = customer.locator("li.result", has_text="Home network help")
    assert "Per hour" in card.inner_text()
    assert "New" in card.inner_text()
    assert "Next free:" in card.inner_text()
    card.get_by_role("link", name="Home network help").click()
    customer.get_by_role("link", name="Book this service").click()

    # step 1: two hours, a day from the strip, a time chip, a new address kept, a note
    # (the duration reloads the page from its script: wait until the script is there)
    customer.wait_for_load_state("load")
    customer.get_by_label("How long").select_option(label="2 hours")
    customer.wait_for_url(re.compile(r"duration=120"))
    choose_slot(customer, day=2)
    fill_details(customer, note="Router in the cellar")
    customer.get_by_label("Save this address for my next booking").check()
    _check(customer, "journey-step1-390")
    customer.get_by_role("button", name="Continue to the summary").click()

    # step 2: price x duration, fee, total, payment and cancellation terms, then send
    summary = customer.locator("main").inner_text()
    assert "CHF\u00a060.00 × 2 hours" in summary
    assert "CHF\u00a0120.00" in summary
    assert "on site" in summary
    assert "Free cancellation until" in summary
    assert STREET in summary
    _check(customer, "journey-summary-390")
    customer.get_by_role("button", name="Send request").click()

    # step 3: what happens next and how to pay
    customer.wait_for_url(re.compile(r"/bookings/\d+/confirmed/$"))
    booking_id = booking_id_of(customer.url)
    assert customer.get_by_text("Pay CHF\u00a0120.00 on site.").is_visible()
    assert customer.get_by_role("heading", name="What happens next").is_visible()
    _check(customer, "journey-confirmed-390")

    # the provider accepts on the booking's page
    provider.goto(f"{base}/bookings/{booking_id}/")
    provider.get_by_role("button", name=f"Accept — booking #{booking_id}").click()
    assert provider.get_by_text("You accepted the request.").is_visible()

    # the customer confirms; the page says why this step exists
    customer.get_by_role("link", name="See your booking").click()
    assert customer.locator("#confirm-why").is_visible()
    customer.get_by_role("button", name=f"Confirm — booking #{booking_id}").click()
    assert customer.get_by_text("The booking is confirmed.").is_visible()

    # after the job, the customer marks it done (not the provider) and reviews
    _happened(market, booking_id)
    customer.reload()
    customer.get_by_role("button", name=f"Mark as completed — booking #{booking_id}").click()
    assert customer.get_by_text("The job is marked as completed.").is_visible()
    assert customer.locator("#booking-status").inner_text() == "Completed"
    customer.get_by_role("group", name="Stars").get_by_label("5").check()
    customer.get_by_label("Your review").fill("Quick and clear.")
    customer.get_by_role("button", name="Publish review").click()
    assert customer.get_by_text("stays sealed").is_visible()
    _check(customer, "journey-booking-done-390")

    # the address was kept: the next booking offers it
    customer.goto(f"{base}/listings/{market.listing.pk}/book/")
    assert customer.get_by_label(re.compile(STREET)).is_visible()
