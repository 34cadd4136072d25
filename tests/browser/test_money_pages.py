"""The money pages in Chromium: axe-core finds no serious or critical violation, every
answer carries the Content-Security-Policy header and Chromium reports no violation of
it — the card step (with localstripe's Stripe.js), the receipts, the helper's earnings,
and the back office's payments, one payment and the disputes. Then a dispute reported
on the booking page reaches the back office, where the admin refunds and resolves it.

The data behind the pages (a card payment charged, a request waiting at the card step)
is made through the services before the browser starts, committed in a marketplace of
its own that is purged afterwards; the browser part uses pages only.
"""

import re
import uuid

import pytest

from quartier.billing.services.settings import payout_settings_update
from quartier.platform.tenancy import public_context
from tests.browser.conftest import _seed, axe_violations, committed, sign_in
from tests.browser.test_card_payment import axe_violations_outside

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def money_market(tenant_pair, live_server_port):
    """A marketplace of its own taking card payments (the ledger is append-only: only
    dropping the schema removes it), purged afterwards."""
    from quartier.tenants.services import tenant_delete, tenant_purge
    from tests.conftest import _provision

    with public_context():
        handle = _provision(f"money{uuid.uuid4().hex[:6]}", "Money Helpers")
    market = _seed(
        handle, live_server_port, "WLAN setup at home", "Router and Wi-Fi set up at your place."
    )
    with handle.context():
        payout_settings_update(actor=None, payment_mode="online", customer_fee_basis_points=500)
    yield market
    with public_context():
        tenant_delete(tenant=handle.tenant, reason="browser test done")
        tenant_purge(tenant=handle.tenant)


@pytest.fixture
def stripe_js(settings, stripe):
    origin = f"http://localhost:{stripe.localstripe_port}"
    settings.STRIPE_JS_URL = f"{origin}/js.stripe.com/v3/"
    settings.STRIPE_JS_ORIGIN = origin
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_quartier"
    return stripe


_days = iter(range(3, 30))


def _money_made(market) -> dict:
    """A job paid by card and done (captured), and a new request at its card step
    (on a day of its own each time)."""
    from quartier.accounts.models import User
    from quartier.bookings.services.requests import booking_request_slot
    from tests.billing.factories import add_card, complete, confirmed, push
    from tests.bookings.factories import next_local

    made = {}
    day = next(_days)

    def make():
        with market.handle.context():
            customer = User.objects.get(email=market.customer_email)
            add_card(customer)
            # each job on a day of its own, done that many days ago
            booking = confirmed(
                listing=market.listing,
                customer=customer,
                starts_at=next_local(10, days_ahead=day),
            )
            push(booking)
            payment = push(complete(booking, hours_ago=24 * day))
            waiting = booking_request_slot(
                listing=market.listing,
                customer=customer,
                starts_at=next_local(11, days_ahead=day),
            )
            made.update(payment=payment.pk, booking=payment.booking_id, waiting=waiting.pk)

    committed(make)
    return made


def _visit(page, url: str, *, outside: str = "") -> None:
    """Open `url`: the CSP header is there, and axe-core finds nothing serious."""
    response = page.goto(url)
    assert response.status == 200, url
    policy = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy, url
    assert "script-src" in policy, url
    violations = axe_violations_outside(page, outside) if outside else axe_violations(page)
    assert violations == [], (url, violations)


def _fits_a_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_money_pages_are_accessible_and_keep_to_the_policy(
    money_market, stripe_js, new_context, csp_violations
):
    market = money_market
    base = market.base_url
    made = _money_made(market)
    customer = new_context().new_page()
    provider = new_context().new_page()
    admin = new_context().new_page()
    sign_in(customer, base, market.customer_email)
    sign_in(provider, base, market.provider_email)
    sign_in(admin, base, market.admin_email)

    # the customer: the card step (Stripe's own fields left out) and the receipts
    _visit(customer, f"{base}/billing/bookings/{made['waiting']}/card/", outside="#card-element")
    customer.locator("#card-element input").first.wait_for()
    assert "Pay by card" in customer.get_by_role("heading", level=1).inner_text()
    _visit(customer, f"{base}/billing/receipts/")
    assert customer.get_by_role("cell", name=f"R-{made['payment']:06d}", exact=True).is_visible()

    # the helper's earnings
    _visit(provider, f"{base}/workspace/earnings/")

    # the back office: payments, one payment with its ledger, the disputes
    _visit(admin, f"{base}/back-office/payments/")
    assert admin.locator("#payments").get_by_text("CHF\u00a063.00").first.is_visible()
    admin.get_by_role("link", name=f"Payment #{made['payment']}").click()
    admin.wait_for_url(f"{base}/back-office/payments/{made['payment']}/")
    _visit(admin, admin.url)
    assert admin.locator("#payment-captured").inner_text() == "CHF\u00a063.00"
    assert admin.locator("#ledger").get_by_text("Card charged").is_visible()
    _visit(admin, f"{base}/back-office/disputes/")

    # the same pages on a phone: nothing scrolls sideways
    admin.set_viewport_size(PHONE)
    for url in ["/back-office/payments/", f"/back-office/payments/{made['payment']}/"]:
        admin.goto(base + url)
        assert _fits_a_phone(admin), url
    assert csp_violations == []


def test_a_reported_problem_reaches_the_back_office_which_refunds_and_resolves(
    money_market, stripe_js, new_context
):
    market = money_market
    base = market.base_url
    made = _money_made(market)
    customer = new_context().new_page()
    admin = new_context().new_page()
    sign_in(customer, base, market.customer_email)
    sign_in(admin, base, market.admin_email)

    # the customer reports a problem on their booking page
    customer.goto(f"{base}/bookings/{made['booking']}/")
    assert axe_violations(customer) == []
    customer.get_by_label("What went wrong?").select_option("quality")
    customer.get_by_label("What happened?").fill("The router still drops the Wi-Fi.")
    customer.get_by_role("button", name="Send the report").click()
    assert customer.get_by_text("The marketplace team will look into it").is_visible()
    assert customer.locator("#open-report").is_visible()
    assert axe_violations(customer) == []

    # the admin opens it from the disputes list and refunds part of it
    admin.goto(f"{base}/back-office/disputes/?status=open")
    admin.locator("#disputes").get_by_role("link").first.click()
    assert admin.get_by_text("The router still drops the Wi-Fi.").is_visible()
    assert axe_violations(admin) == []
    admin.get_by_role("link", name=f"Payment #{made['payment']}").click()
    admin.get_by_label("Amount to refund").fill("20")
    admin.get_by_label("Reason").fill("Wi-Fi still unstable")
    admin.get_by_role("button", name="Refund", exact=True).click()
    assert admin.get_by_text("CHF\u00a020.00 refunded.").is_visible()
    assert admin.locator("#payment-refunded").inner_text() == "CHF\u00a020.00"
    assert admin.locator("#ledger").get_by_text(re.compile("Wi-Fi still unstable")).is_visible()

    # back on the dispute, the admin notes and resolves it
    admin.get_by_role("link", name=re.compile(r"^Dispute #\d+$")).click()
    admin.get_by_role("textbox", name="Note").fill("Refunded a third; back on Monday.")
    admin.get_by_role("button", name="Add the note").click()
    admin.get_by_label("What was decided").fill("CHF 20 refunded.")
    admin.get_by_role("button", name="Resolve the dispute").click()
    assert admin.locator("#dispute-status").inner_text() == "Resolved"
    assert axe_violations(admin) == []
