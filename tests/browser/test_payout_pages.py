"""Money pages in Chromium at phone width, on a marketplace taking card payments: payout
onboarding from the dashboard to Stripe's hosted onboarding (played by the Connect test
server, its page stood in for by the test) and back to the tenant's own host; and a
refund note listed with the receipts and downloaded as a PDF."""

import uuid
from pathlib import Path

import pytest

from quartier.accounts.models import User
from quartier.billing.models import ConnectedAccount
from quartier.billing.services.payments import payment_refund
from quartier.billing.services.settings import payout_settings_update
from quartier.platform.money import Money
from quartier.platform.tenancy import public_context
from tests.billing.factories import add_card, captured_payment
from tests.billing.test_receipts import pdf_text
from tests.browser.conftest import _seed, axe_violations, committed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(scope="module")
def card_market(tenant_pair, live_server_port):
    from quartier.tenants.services import tenant_delete, tenant_purge
    from tests.conftest import _provision

    with public_context():
        handle = _provision(f"payo{uuid.uuid4().hex[:6]}", "Payout Helpers")
    market = _seed(handle, live_server_port, "Laptop tune-up", "Faster again.")
    with handle.context():
        payout_settings_update(actor=None, payment_mode="online")
    yield market
    with public_context():
        tenant_delete(tenant=handle.tenant, reason="browser test done")
        tenant_purge(tenant=handle.tenant)


def test_the_helper_onboards_for_payouts_and_comes_back_ready(
    card_market, stripe, new_context, settings
):
    # the Connect test server's onboarding links are on this origin (Stripe's in production)
    settings.STRIPE_CONNECT_ORIGIN = "https://connect.stripe.test"
    market = card_market
    base = market.base_url
    page = new_context().new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, base, market.provider_email)

    # Stripe's hosted onboarding: the helper finishes it there and is sent back
    def stripe_onboarding(route):
        link = stripe.state.links[-1]
        account = stripe.enable_payouts(link["account"])
        account["requirements"]["currently_due"] = []
        route.fulfill(
            status=200,
            content_type="text/html",
            body=f'<!doctype html><title>Stripe</title><a href="{link["return_url"]}">Done</a>',
        )

    page.route("https://connect.stripe.test/**", stripe_onboarding)

    page.goto(f"{base}/dashboard/provider/")
    page.locator("#payout-next-step").get_by_role("link", name="Set up payouts").click()
    page.wait_for_url(f"{base}/workspace/payouts/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Set up payouts").click()
    page.wait_for_url("https://connect.stripe.test/setup/acct_*")
    page.get_by_role("link", name="Done").click()

    page.wait_for_url(f"{base}/workspace/payouts/return/")
    assert page.get_by_text("Your payout account is ready.").is_visible()
    assert page.locator("#payouts-state").inner_text().startswith("Ready")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
    with market.handle.context():  # the page only read: Stripe's webhook stores the flags
        assert ConnectedAccount.objects.filter(provider=market.provider).exists()

    page.goto(f"{base}/workspace/earnings/")
    assert page.locator("#payout-account").is_visible()
    assert axe_violations(page) == []


def test_the_customer_finds_and_downloads_the_refund_note(card_market, stripe, new_context):
    market = card_market
    refunded = {}

    def paid_and_partly_refunded():
        with market.handle.context():
            customer = User.objects.get(email=market.customer_email)
            add_card(customer)
            payment = captured_payment(listing=market.listing, customer=customer)
            payment_refund(payment=payment, amount=Money(1000, "CHF"), actor=None, reason="Late")
            refunded["payment"] = payment.pk

    committed(paid_and_partly_refunded)
    page = new_context().new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, market.base_url, market.customer_email)

    page.goto(f"{market.base_url}/billing/receipts/")
    notes = page.locator("#refund-notes li")
    assert notes.count() == 1
    assert "CHF\u00a010.00 refunded on" in notes.first.inner_text()
    assert f"For receipt R-{refunded['payment']:06d}" in notes.first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
    with page.expect_download() as download:
        notes.first.get_by_role("link", name="Download refund note").click()
    assert download.value.suggested_filename.startswith("refund-note-RN-")
    text = pdf_text(Path(download.value.path()).read_bytes())
    assert "Payout Helpers" in text
    assert f"Original receipt: R-{refunded['payment']:06d}" in text
    assert "Amount refunded CHF 10.00" in text
