"""Booking a free slot through the pages, as a customer does (shared by browser tests)."""

import re

from playwright.sync_api import expect

STREET = "Langstrasse 12"


def choose_slot(page, *, day: int = 1) -> None:
    """Pick the `day`-th day with free times in the strip, then its first free time."""
    page.locator("a.bk-day").nth(day).click()
    # htmx swaps the strip (or, without scripts, the page reloads): look the day up again.
    expect(page.locator("a.bk-day").nth(day)).to_have_attribute("aria-current", "date")
    page.locator("#bk-chips label.bk-chip").first.click()


def fill_details(page, *, note: str = "", postal_code: str = "8004") -> None:
    # By id, not by label: the card test books in German.
    new_address = page.locator("input[name=slot-address][value=new]")
    if new_address.count():
        new_address.check()
    page.locator("#id_slot-street").fill(STREET)
    page.locator("#id_slot-postal_code").fill(postal_code)
    if note:
        page.locator("#id_slot-note").fill(note)


def book_slot(page, base_url: str, listing_pk: int, *, day: int = 1, note: str = "") -> str:
    """Steps 1 and 2; returns the URL the request led to (confirmation or card step)."""
    page.goto(f"{base_url}/listings/{listing_pk}/book/")
    choose_slot(page, day=day)
    fill_details(page, note=note)
    page.locator("form.slot-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/book/summary/$"))
    page.locator("form.bk-bar button[type=submit]").click()
    page.wait_for_url(re.compile(r"/(confirmed|card)/$"))
    return page.url


def booking_id_of(url: str) -> int:
    return int(re.search(r"/bookings/(\d+)/", url).group(1))
