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
    # the slots are one radio group: focus it, pick, then Tab to the note and the button
    radio = page.locator("fieldset.slot-day").nth(1).get_by_role("radio").first
    radio.focus()
    page.keyboard.press("Space")
    assert radio.is_checked()
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "id_slot-note"
    page.keyboard.type("Typed without a mouse")
    page.keyboard.press("Tab")
    assert _focused(page) == {"tag": "BUTTON", "id": "", "text": "Request this time"}
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/bookings/\d+/$"))
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
