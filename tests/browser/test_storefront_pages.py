"""Screenshots of two brands, and axe-core on every storefront page (no serious or
critical violations)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quartier.accounts.models import User
from quartier.bookings.availability import free_slots
from quartier.bookings.services.requests import booking_request_slot
from tests.browser.conftest import SCREENSHOTS, axe_violations, committed, sign_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def _public_pages(storefront) -> dict[str, str]:
    return {
        "home": "/",
        "results": "/search/?q=&postal_code=8003&radius_km=10",
        "listing": f"/listings/{storefront.listing.pk}/",
    }


@pytest.mark.parametrize("slug", ["telco", "acme"])
def test_home_results_and_listing_screenshots(storefronts, new_context, slug):
    storefront = storefronts[slug]
    page = new_context().new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    for name, path in _public_pages(storefront).items():
        response = page.goto(storefront.base_url + path)
        assert response.status == 200, (name, page.content()[:1000])
        page.screenshot(path=str(SCREENSHOTS / f"{slug}-{name}.png"), full_page=True)

    page.goto(storefront.base_url + _public_pages(storefront)["results"])
    assert page.locator("li.result").count() == 1
    assert page.locator("li.result").get_by_role("link").first.inner_text() == (
        storefront.listing.title
    )
    for name in ("home", "results", "listing"):
        assert (SCREENSHOTS / f"{slug}-{name}.png").stat().st_size > 1000


def _requested_booking(storefront) -> int:
    """A booking request on the storefront's listing, committed for the server to see."""
    made = []

    def make():
        with storefront.handle.context():
            listing = storefront.listing
            start = timezone.now() + timedelta(days=3)
            slot = free_slots(
                provider=listing.provider,
                duration_minutes=listing.duration_minutes or 60,
                start=start,
                end=start + timedelta(days=1),
            )[0]
            booking = booking_request_slot(
                listing=listing,
                customer=User.objects.get(email=storefront.customer_email),
                starts_at=slot.starts_at,
                note="Please bring a ladder.",
            )
            made.append(booking.pk)

    committed(make)
    return made[0]


@pytest.mark.parametrize("slug", ["telco", "acme"])
def test_storefront_pages_have_no_serious_accessibility_violations(storefronts, new_context, slug):
    storefront = storefronts[slug]
    visitor = new_context().new_page()
    customer = new_context().new_page()
    provider = new_context().new_page()
    sign_in(customer, storefront.base_url, storefront.customer_email)
    sign_in(provider, storefront.base_url, storefront.provider_email)
    booking_id = _requested_booking(storefront)
    pages = [(visitor, name, path) for name, path in _public_pages(storefront).items()]
    pages += [
        (visitor, "search-error", "/search/?postal_code=12"),
        (visitor, "provider-profile", f"/providers/{storefront.provider.pk}/"),
        (visitor, "sign-in", "/accounts/login/"),
        (customer, "booking", f"/listings/{storefront.listing.pk}/book/"),
        (customer, "booking-detail", f"/bookings/{booking_id}/"),
        (customer, "customer-dashboard", "/dashboard/"),
        (customer, "task-form", "/tasks/new/"),
        (provider, "provider-dashboard", "/dashboard/provider/"),
        (provider, "booking-detail-provider", f"/bookings/{booking_id}/"),
    ]

    found = {}
    for page, name, path in pages:
        page.goto(storefront.base_url + path)
        violations = axe_violations(page)
        if violations:
            found[name] = violations

    assert found == {}


def test_the_back_office_theme_editor_has_no_serious_violations(journey_storefront, new_context):
    # The admin of the journey's own marketplace: signing in writes the user's row, and
    # the shared tenants' admins are left untouched.
    market = journey_storefront
    admin = new_context().new_page()
    sign_in(admin, market.base_url, market.admin_email)

    admin.goto(f"{market.base_url}/back-office/theme/")

    assert admin.get_by_role("heading", level=1).count() == 1
    assert axe_violations(admin) == []


def test_axe_really_reports_violations(storefronts, new_context):
    """The check above would pass vacuously if axe did not run: show it catches one."""
    page = new_context().new_page()
    page.goto(storefronts["telco"].base_url + "/")
    page.evaluate(
        "() => { const img = document.createElement('img'); img.src = '/x.png';"
        " document.querySelector('main').appendChild(img); }"
    )

    assert [violation["id"] for violation in axe_violations(page)] == ["image-alt"]


def test_the_csp_watch_really_reports_violations(storefronts, browser):
    """The journeys' "no CSP violation" would pass vacuously if nothing were watched."""
    found: list = []
    context = browser.new_context()
    watch_csp(context, found)
    try:
        page = context.new_page()
        page.goto(storefronts["telco"].base_url + "/")
        page.evaluate(
            "() => { const script = document.createElement('script');"
            " script.textContent = 'window.injected = true';"
            " document.body.appendChild(script); }"
        )
        for _ in range(50):
            if found:
                break
            page.wait_for_timeout(100)

        assert page.evaluate("() => window.injected === undefined")
        assert any(report.get("directive", "").startswith("script-src") for report in found)
    finally:
        context.close()


def test_the_api_docs_and_the_operator_sign_in_run_under_the_policy(storefronts, new_context):
    telco = storefronts["telco"]
    page = new_context().new_page()

    page.goto(f"{telco.base_url}/api/docs/")
    page.locator(".opblock").first.wait_for()
    operator = telco.base_url.replace(f"//{telco.handle.host}", "//localhost")
    page.goto(f"{operator}/admin/login/")

    assert page.get_by_role("button", name="Log in").is_visible()
