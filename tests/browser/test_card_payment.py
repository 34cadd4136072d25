"""Paying by card in Chromium, against localstripe's Stripe.js and its 3-D Secure modal.

localstripe serves a stand-in Stripe.js at http://localhost:PORT/js.stripe.com/v3/: its
card element is four plain inputs (number, exp_month, exp_year, cvc, postal_code) in the
page, not an iframe, and its 3-D Secure "bank" is a modal with two buttons. The test
card 4000 0025 0000 3155 asks for 3-D Secure; 4000 0000 0000 0002 is declined.
"""

import re
import uuid
from pathlib import Path

import pytest

from quartier.billing.models import Payment
from quartier.billing.services.settings import payout_settings_update
from quartier.platform.tenancy import public_context
from tests.billing.test_receipts import pdf_text
from tests.browser.booking_steps import book_slot
from tests.browser.conftest import _seed, axe_violations, sign_in
from tests.browser.test_journey import _happened

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
CARD_3DS = "4000002500003155"
CARD_DECLINED = "4000000000000002"


@pytest.fixture(scope="module")
def card_market(tenant_pair, live_server_port):
    """A marketplace of its own taking payments online (captures write the append-only
    ledger, which only dropping the schema removes), purged afterwards."""
    from quartier.tenants.services import tenant_delete, tenant_purge
    from tests.conftest import _provision

    with public_context():
        handle = _provision(f"cards{uuid.uuid4().hex[:6]}", "Card Helpers")
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
    """The live server (same process) loads localstripe's Stripe.js."""
    origin = f"http://localhost:{stripe.localstripe_port}"
    settings.STRIPE_JS_URL = f"{origin}/js.stripe.com/v3/"
    settings.STRIPE_JS_ORIGIN = origin
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_quartier"
    return stripe


def _book(page, market, *, day: int) -> int:
    url = book_slot(page, market.base_url, market.listing.pk, day=day)
    assert re.search(r"/billing/bookings/\d+/card/$", url), url
    return int(page.url.rstrip("/").split("/")[-2])


def _enter_card(page, number: str) -> None:
    element = page.locator("#card-element")
    element.get_by_placeholder("number").fill(number)
    element.get_by_placeholder("exp_month").fill("12")
    element.get_by_placeholder("exp_year").fill("30")
    element.get_by_placeholder("cvc").fill("123")
    element.get_by_placeholder("postal_code").fill("8004")


def _payment(market, booking_id: int) -> Payment | None:
    with market.handle.context():
        return Payment.objects.filter(booking_id=booking_id).first()


def test_customer_pays_with_3d_secure_and_is_charged_when_the_job_is_done(
    card_market, stripe_js, new_context
):
    market = card_market
    base = market.base_url
    customer = new_context().new_page()
    provider = new_context().new_page()
    sign_in(customer, base, market.customer_email)
    sign_in(provider, base, market.provider_email)

    # the booking request leads to the card step: 60.00 + 5 % fee
    booking_id = _book(customer, market, day=1)
    assert customer.get_by_role("heading", level=1).inner_text() == "Pay by card"
    assert customer.locator("#payment-total").inner_text() == "CHF\u00a063.00"
    # Stripe's own fields are Stripe's: in production an iframe of theirs, here
    # localstripe's bare inputs; the page around them is ours to check.
    customer.locator("#card-element input").first.wait_for()
    assert axe_violations_outside(customer, "#card-element") == []

    # the 3-D Secure card: the bank asks when the card is saved ...
    _enter_card(customer, CARD_3DS)
    customer.get_by_role("button", name="Authorise payment").click()
    customer.get_by_role("button", name="Complete authentication").click()
    # ... and again for this charge (localstripe asks every time; Stripe may not)
    customer.get_by_role("button", name="Confirm with your bank").click()
    customer.get_by_role("button", name="Complete authentication").click()
    customer.wait_for_url(f"{base}/billing/bookings/{booking_id}/")
    assert customer.get_by_text("Your card is authorised.").is_visible()
    assert customer.locator("#payment-status").inner_text() == "Authorised"
    payment = _payment(market, booking_id)
    assert (payment.status, payment.authorised_minor, payment.captured_minor) == (
        "authorised",
        6300,
        0,
    )

    # the provider accepts, the customer confirms, the job happens and is completed
    provider.goto(f"{base}/dashboard/provider/")
    provider.get_by_role("button", name=f"Accept — booking #{booking_id}").click()
    assert provider.get_by_text("You accepted the request.").is_visible()
    customer.goto(f"{base}/dashboard/")
    customer.get_by_role("button", name=f"Confirm — booking #{booking_id}").click()
    assert customer.get_by_text("The booking is confirmed.").is_visible()
    _happened(market, booking_id)
    provider.goto(f"{base}/dashboard/provider/")
    provider.get_by_role("button", name=f"Mark as completed — booking #{booking_id}").click()
    assert provider.get_by_text("The job is marked as completed.").is_visible()

    # the capture happened: the customer's payment page says paid, with the amount
    customer.goto(f"{base}/billing/bookings/{booking_id}/")
    assert customer.locator("#payment-status").inner_text() == "Paid"
    assert customer.locator("#payment-captured").inner_text() == "CHF\u00a063.00"
    payment = _payment(market, booking_id)
    assert (payment.status, payment.captured_minor) == ("captured", 6300)
    assert axe_violations(customer) == []

    # the receipt downloads, and its text shows the amounts
    with customer.expect_download() as download:
        customer.get_by_role("link", name="Download the receipt (PDF)").click()
    assert download.value.suggested_filename == f"receipt-R-{payment.pk:06d}.pdf"
    text = pdf_text(Path(download.value.path()).read_bytes())
    assert "Card Helpers" in text
    assert "Price CHF 60.00" in text
    assert "Service fee CHF 3.00" in text
    assert "Total paid CHF 63.00" in text
    customer.get_by_role("link", name="All your receipts").click()
    assert customer.get_by_role("cell", name=f"R-{payment.pk:06d}", exact=True).is_visible()
    assert axe_violations(customer) == []

    # the card is saved: the payment methods page shows it
    customer.goto(f"{base}/billing/payment-methods/")
    assert customer.locator("#saved-card").inner_text().startswith("Visa ending in 3155")


def test_a_declined_card_shows_the_translated_message_and_nothing_is_paid(
    card_market, stripe_js, browser, csp_violations
):
    from tests.browser.conftest import watch_csp

    market = card_market
    context = browser.new_context(locale="de-CH", extra_http_headers={"Accept-Language": "de-CH"})
    context.set_default_timeout(15_000)
    watch_csp(context, csp_violations)
    try:
        page = context.new_page()
        sign_in_de(page, market)
        booking_id = _book(page, market, day=2)
        assert page.locator("html").get_attribute("lang") == "de"

        _enter_card(page, CARD_DECLINED)
        page.locator("#card-form button[type=submit]").click()

        page.locator("#card-error").wait_for()
        assert page.locator("#card-error").inner_text() == (
            "Ihre Karte wurde abgelehnt. Es wurde nichts belastet; "
            "bitte versuchen Sie es mit einer anderen Karte."
        )
        assert _payment(market, booking_id) is None
        page.goto(f"{market.base_url}/billing/bookings/{booking_id}/")
        assert page.locator("#payment-status").inner_text() == "Noch nicht bezahlt"
    finally:
        context.close()


def sign_in_de(page, market) -> None:
    """The sign-in form in German (labels are translated)."""
    from tests.conftest import PASSWORD

    page.goto(f"{market.base_url}/accounts/login/")
    page.locator("input[name=username], input[type=email]").first.fill(market.customer_email)
    page.locator("input[type=password]").first.fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url


def axe_violations_outside(page, selector: str) -> list[dict]:
    """Serious and critical axe-core violations of the page, `selector` left out."""
    violations = axe_violations(page)
    if not violations:
        return []
    result = page.evaluate("async (selector) => await axe.run({exclude: [[selector]]})", selector)
    return [
        {"id": violation["id"], "impact": violation["impact"], "help": violation["help"]}
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
