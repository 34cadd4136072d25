"""Booking with the keyboard alone, and prices written per the visitor's language."""

import re

import pytest

from tests.browser.conftest import sign_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def _focused(page) -> dict:
    return page.evaluate(
        "() => ({tag: document.activeElement.tagName, id: document.activeElement.id,"
        " text: document.activeElement.textContent.trim()})"
    )


def test_a_slot_is_booked_with_the_keyboard_alone(storefronts, new_context):
    acme = storefronts["acme"]
    page = new_context().new_page()
    sign_in(page, acme.base_url, acme.customer_email)
    page.goto(f"{acme.base_url}/listings/{acme.listing.pk}/book/")

    # the first Tab reaches the skip link
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "Skip to main content"
    # the times are one radio group: focus it, pick, then Tab through the address and
    # the note to the button
    radio = page.locator("#bk-chips").get_by_role("radio").first
    radio.focus()
    page.keyboard.press("Space")
    assert radio.is_checked()
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "id_slot-street"
    page.keyboard.type("Bahnhofstrasse 1")
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "id_slot-postal_code"
    page.keyboard.type("8001")
    page.keyboard.press("Tab")  # the place: filled in from the postal code
    page.keyboard.press("Tab")  # "save this address"
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "id_slot-note"
    page.keyboard.type("Typed without a mouse")
    page.keyboard.press("Tab")
    assert _focused(page) == {"tag": "BUTTON", "id": "", "text": "Continue to the summary"}
    page.keyboard.press("Enter")

    # the summary: Tab on to its one button and send
    page.wait_for_url(re.compile(r"/book/summary/$"))
    for _step in range(30):
        page.keyboard.press("Tab")
        if _focused(page)["text"].startswith("Send request"):
            break
    assert _focused(page)["tag"] == "BUTTON"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/(confirmed|card)/$"))
    booking_id = re.search(r"/bookings/(\d+)/", page.url).group(1)
    page.goto(f"{acme.base_url}/bookings/{booking_id}/")
    assert page.locator("#booking-status").inner_text() == "Requested"
    assert page.get_by_text("Typed without a mouse").is_visible()


def test_prices_follow_the_visitors_language(storefronts, browser, csp_violations):
    acme = storefronts["acme"]
    french = browser.new_context(locale="fr-CH")
    german = browser.new_context(locale="de-CH")
    for context in (french, german):
        watch_csp(context, csp_violations)
    try:
        in_french = french.new_page()
        in_french.goto(f"{acme.base_url}/listings/{acme.listing.pk}/")
        in_german = german.new_page()
        in_german.goto(f"{acme.base_url}/listings/{acme.listing.pk}/")

        assert in_french.locator("p.price strong").inner_text() == "1\u202f250,00\u00a0CHF"
        assert in_french.locator("html").get_attribute("lang") == "fr"
        assert in_german.locator("p.price strong").inner_text() == "CHF\u00a01\u2019250.00"
    finally:
        french.close()
        german.close()
