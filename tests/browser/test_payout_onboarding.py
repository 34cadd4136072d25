"""Payout onboarding in Chromium: from the earnings page to Stripe's hosted onboarding
(played by the Connect test server, its page stood in for by the test) and back to the
tenant's own host, where the return page shows the account ready."""

import uuid

import pytest

from quartier.billing.models import ConnectedAccount
from quartier.billing.services.settings import payout_settings_update
from quartier.platform.tenancy import public_context
from tests.browser.conftest import _seed, axe_violations, sign_in

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
