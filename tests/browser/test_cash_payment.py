"""Paying on site, in Chromium at phone width: the customer is told what to pay whom,
the provider marks the cash received on the booking page, and the commission owed
shows on their earnings page."""

import uuid

import pytest

from quartier.billing.models import Payment
from quartier.platform.tenancy import public_context
from tests.browser.booking_steps import book_slot, booking_id_of
from tests.browser.conftest import _seed, axe_violations, sign_in
from tests.browser.test_journey import _happened

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def cash_market(tenant_pair, live_server_port):
    """A marketplace of its own, paid on site (the default); recording the cash writes
    the append-only ledger, which only dropping the schema removes."""
    from quartier.tenants.services import tenant_delete, tenant_purge
    from tests.conftest import _provision

    with public_context():
        handle = _provision(f"cash{uuid.uuid4().hex[:6]}", "Cash Helpers")
    market = _seed(handle, live_server_port, "Printer setup", "Your printer, working again.")
    yield market
    with public_context():
        tenant_delete(tenant=handle.tenant, reason="browser test done")
        tenant_purge(tenant=handle.tenant)


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_cash_on_site_from_booking_to_earnings(cash_market, new_context):
    market = cash_market
    base = market.base_url
    customer = new_context().new_page()
    provider = new_context().new_page()
    customer.set_viewport_size(PHONE)
    provider.set_viewport_size(PHONE)
    sign_in(customer, base, market.customer_email)
    sign_in(provider, base, market.provider_email)

    # the customer books: no card step, the booking page says what to pay on site
    booking_id = booking_id_of(book_slot(customer, base, market.listing.pk))
    customer.goto(f"{base}/bookings/{booking_id}/")
    status = customer.locator("#cash-status").inner_text().replace("\u00a0", " ")
    assert status == "Pay CHF 60.00 on site to Helper Cash Helpers"
    assert _fits_the_phone(customer)
    assert axe_violations(customer) == []

    # accepted and confirmed on the dashboards; the job takes place
    provider.goto(f"{base}/dashboard/provider/")
    provider.get_by_role("button", name=f"Accept — booking #{booking_id}").click()
    customer.goto(f"{base}/dashboard/")
    customer.get_by_role("button", name=f"Confirm — booking #{booking_id}").click()
    assert customer.get_by_text("The booking is confirmed.").is_visible()
    _happened(market, booking_id)

    # the provider marks the cash received on the booking page
    provider.goto(f"{base}/bookings/{booking_id}/")
    button = provider.get_by_role("button", name="Mark cash received")
    assert button.bounding_box()["height"] >= 44
    assert axe_violations(provider) == []
    button.click()
    assert provider.get_by_text("Cash received: the payment is recorded.").is_visible()
    assert (
        provider.locator("#cash-status")
        .inner_text()
        .startswith("Paid on site: CHF\u00a060.00, received on")
    )
    assert provider.get_by_role("button", name="Mark cash received").count() == 0
    with market.handle.context():
        payment = Payment.objects.get(booking_id=booking_id)
        assert (payment.status, payment.captured_minor, payment.commission_minor) == (
            "offline",
            6000,
            600,
        )

    # the earnings page shows the commission owed for the cash job
    provider.goto(f"{base}/workspace/earnings/")
    assert provider.locator("#earnings-commission-owed").inner_text() == "CHF\u00a06.00"
    assert provider.locator(f"#earning-{booking_id}").is_visible()
    assert _fits_the_phone(provider)
    assert axe_violations(provider) == []
