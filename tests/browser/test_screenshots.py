"""Screenshots of the five main pages of both demo brands on a desktop and a phone, the
header of every role, and the htmx parts working with and without JavaScript.

The screenshots land in test-artifacts/screenshots/ (git-ignored) for a person to look
at; the test asserts what a look would catch mechanically: no sideways scroll, a header
of one row on a phone, no serious or critical axe-core violation.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

VIEWPORTS = {"1280": {"width": 1280, "height": 800}, "390": {"width": 390, "height": 844}}
# Brand, search, bell and account menu in one row (44 px targets, the border, padding).
PHONE_HEADER_MAX_PX = 72


def _pages(storefront) -> dict[str, str]:
    listing = storefront.listing.pk
    return {
        "home": "/",
        "results": "/search/?q=&postal_code=8003&radius_km=10",
        "listing": f"/listings/{listing}/",
        "booking": f"/listings/{listing}/book/",
        "dashboard": "/dashboard/",
    }


def _sideways(page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("slug", ["telco", "acme"])
def test_main_pages_of_both_brands_on_a_desktop_and_a_phone(storefronts, new_context, slug):
    storefront = storefronts[slug]
    page = new_context().new_page()
    sign_in(page, storefront.base_url, storefront.customer_email)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    found = {}
    for size, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        for name, path in _pages(storefront).items():
            response = page.goto(storefront.base_url + path)
            assert response.status == 200, (name, page.content()[:1000])
            page.screenshot(path=str(SCREENSHOTS / f"{slug}-{size}-{name}.png"), full_page=True)
            problems = {"sideways_px": _sideways(page)} if _sideways(page) > 0 else {}
            if size == "390":
                height = page.locator("header.q-header").bounding_box()["height"]
                if height > PHONE_HEADER_MAX_PX:
                    problems["header_px"] = height
            violations = axe_violations(page)
            if violations:
                problems["axe"] = violations
            if problems:
                found[f"{size}-{name}"] = problems

    assert found == {}


def _open_menu_by_keyboard(page):
    page.locator("summary.q-account-button").focus()
    page.keyboard.press("Enter")
    panel = page.locator(".q-account-panel")
    expect(panel).to_be_visible()
    return panel


@pytest.mark.parametrize("size", ["390", "1280"])
def test_every_roles_header_is_one_row_with_an_account_menu(
    storefronts, journey_storefront, new_context, size
):
    telco = storefronts["telco"]
    people = [
        ("visitor", telco, None),
        ("customer", telco, telco.customer_email),
        ("provider", telco, telco.provider_email),
        # The admin of the journey's own marketplace: signing in writes the user's row.
        ("admin", journey_storefront, journey_storefront.admin_email),
    ]
    for role, market, email in people:
        page = new_context().new_page()
        page.set_viewport_size(VIEWPORTS[size])
        if email:
            sign_in(page, market.base_url, email)
        page.goto(market.base_url + "/")
        header = page.locator("header.q-header")
        page.screenshot(path=str(SCREENSHOTS / f"header-{size}-{role}.png"))
        if size == "390":
            assert header.bounding_box()["height"] <= PHONE_HEADER_MAX_PX, role
        if email is None:
            assert header.get_by_role("link", name="Sign in").is_visible()
            assert page.locator("summary.q-account-button").count() == 0
            continue
        panel = _open_menu_by_keyboard(page)
        page.screenshot(path=str(SCREENSHOTS / f"header-{size}-{role}-menu.png"))
        assert panel.get_by_role("button", name="Sign out").is_visible()
        links = panel.get_by_role("link").all_inner_texts()
        assert "My bookings" in links, (role, links)
        assert ("Back office" in links) == (role == "admin"), (role, links)
        assert ("Provider dashboard" in links) == (role == "provider"), (role, links)
        assert axe_violations(page) == [], role
        page.keyboard.press("Escape")
        expect(panel).to_be_hidden()
        if role == "admin":
            page.goto(market.base_url + "/back-office/")
            assert _sideways(page) <= 0
            page.screenshot(path=str(SCREENSHOTS / f"header-{size}-admin-back-office.png"))


def test_filters_sort_and_day_chips_swap_in_place_with_htmx(storefronts, new_context):
    storefront = storefronts["telco"]
    page = new_context().new_page()
    sign_in(page, storefront.base_url, storefront.customer_email)
    page.goto(storefront.base_url + _pages(storefront)["results"])
    page.wait_for_load_state("load")
    page.evaluate("() => { window.sameDocument = true; }")

    page.locator("#sort").select_option("price")

    page.wait_for_url(re.compile(r"sort=price"))
    expect(page.locator("li.result")).to_have_count(1)
    assert page.evaluate("() => window.sameDocument") is True  # swapped, not reloaded

    page.goto(storefront.base_url + _pages(storefront)["booking"])
    page.wait_for_load_state("load")
    page.evaluate("() => { window.sameDocument = true; }")
    page.locator("a.bk-day").nth(2).click()
    expect(page.locator("a.bk-day").nth(2)).to_have_attribute("aria-current", "date")
    expect(page.locator("#bk-chips label.bk-chip").first).to_be_visible()
    assert page.evaluate("() => window.sameDocument") is True
    assert "day=" in page.url

    page.locator("#id_slot-postal_code").fill("0000")
    page.locator("#id_slot-city").focus()  # leaving the field checks it
    expect(page.locator("#id_slot-postal_code-error")).to_contain_text("Unknown postal code")
    # htmx wires the swapped-in field once the swap has settled (20 ms): a person cannot
    # type sooner, a test can.
    page.wait_for_function("() => !document.querySelector('.htmx-settling, .htmx-request')")
    page.locator("#id_slot-postal_code").fill("8004")
    page.locator("#id_slot-city").focus()
    expect(page.locator(".field-hint")).to_have_text("Zürich")
    expect(page.locator("#id_slot-postal_code-error")).to_have_count(0)


def test_the_same_flows_work_without_javascript(storefronts, browser, csp_violations):
    storefront = storefronts["telco"]
    context = browser.new_context(
        java_script_enabled=False, locale="en-GB", viewport=VIEWPORTS["390"]
    )
    try:
        page = context.new_page()
        sign_in(page, storefront.base_url, storefront.customer_email)

        # the account menu is a <details>: it opens without scripts
        page.goto(storefront.base_url + "/")
        page.locator("summary.q-account-button").click()
        assert page.locator(".q-account-panel").get_by_role("button", name="Sign out").is_visible()

        # filters and sort: whole pages
        page.goto(storefront.base_url + _pages(storefront)["results"])
        page.locator("#sort").select_option("price")
        page.get_by_role("button", name="Sort", exact=True).click()
        page.wait_for_url(re.compile(r"sort=price"))
        assert page.locator("li.result").count() == 1
        page.get_by_text(re.compile(r"^Filters")).click()
        page.get_by_label("Category").select_option(index=1)
        page.get_by_role("button", name="Show results").click()
        page.wait_for_url(re.compile(r"category=\w"))

        # a day of the strip: a whole page with its time chips
        page.goto(storefront.base_url + _pages(storefront)["booking"])
        page.locator("a.bk-day").nth(2).click()
        page.wait_for_url(re.compile(r"day=\d{4}-\d{2}-\d{2}"))
        assert page.locator("a.bk-day").nth(2).get_attribute("aria-current") == "date"
        assert page.locator("#bk-chips label.bk-chip").count() > 0

        # the address is checked on submit
        page.locator("#bk-chips label.bk-chip").first.click()
        page.locator("#id_slot-street").fill("Langstrasse 12")
        page.locator("#id_slot-postal_code").fill("0000")
        page.get_by_role("button", name="Continue to the summary").click()
        assert "Unknown postal code 0000." in page.locator("main").inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("slug", ["telco", "acme"])
def test_the_style_guide_in_each_brand(storefronts, new_context, settings, slug):
    # The live server runs in this process: the setting reaches its requests.
    settings.STYLE_GUIDE = True
    storefront = storefronts[slug]
    page = new_context().new_page()
    sign_in(page, storefront.base_url, storefront.customer_email)
    for size, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        assert page.goto(storefront.base_url + "/style-guide/").status == 200
        page.screenshot(path=str(SCREENSHOTS / f"{slug}-{size}-style-guide.png"), full_page=True)
        assert _sideways(page) <= 0, size
        assert axe_violations(page) == [], size
