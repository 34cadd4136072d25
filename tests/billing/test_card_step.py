"""The card step against the real localstripe: the server decides, never the browser.

What Stripe.js does in the browser (confirming a SetupIntent with the card, finishing
3-D Secure) is done here by the test, straight at localstripe, the way
localstripe-v3.js does it; the pages are driven with Django's test client.
"""

import json
import re
import urllib.request

import pytest
from django.utils import translation

from quartier.billing import gateway
from quartier.billing.models import BillingCustomer, Payment
from quartier.bookings.models import Booking
from quartier.bookings.services.lifecycle import booking_transition
from tests.billing.factories import complete, deliver, event, go_online
from tests.bookings.factories import bookable_listing, next_local
from tests.catalog.factories import make_provider

pytestmark = pytest.mark.usefixtures("stripe")
TERMS = {"commission_basis_points": 1000, "customer_fee_basis_points": 500}
CARD_OK = "4242424242424242"
CARD_3DS = "4000002500003155"
CARD_DECLINED = "4000000000000002"  # refused when the card is set up
CARD_CHARGE_DECLINED = "4000000000000341"  # set up fine, refused when charged
NOT_AUTHORISED = "Your card has not been authorised"
DECLINED = "Your card was declined. Nothing was charged; please try another card."


@pytest.fixture(autouse=True)
def stripe_js(settings, stripe):
    origin = f"http://localhost:{stripe.localstripe_port}"
    settings.STRIPE_JS_URL = f"{origin}/js.stripe.com/v3/"
    settings.STRIPE_JS_ORIGIN = origin
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_quartier"
    yield
    translation.activate("en")


@pytest.fixture
def listing(tenant_a):
    with tenant_a.context():
        go_online(**TERMS)
        return bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))


@pytest.fixture
def customer(tenant_a):
    return tenant_a.session_client("customer")


def _request_booking(client, listing, hour=10) -> tuple[Booking, str]:
    step_one = client.post(
        f"/listings/{listing.pk}/book/",
        {
            "mode": "slot",
            "slot-starts_at": next_local(hour).isoformat(),
            "slot-duration": "60",
            "slot-street": "Langstrasse 12",
            "slot-postal_code": "8004",
        },
    )
    assert step_one.status_code == 302
    response = client.post(step_one["Location"])  # the summary sends the request
    assert response.status_code == 302
    booking = Booking.objects.filter(listing=listing).latest("pk")
    return booking, response["Location"]


def _secret(html: str, form_id: str) -> str:
    form = re.search(rf'<form[^>]*id="{form_id}"[^>]*>', html).group(0)
    return re.search(r'data-client-secret="([^"]+)"', form).group(1)


def _card(number: str) -> dict:
    return {
        "type": "card",
        "card": {"number": number, "exp_month": "12", "exp_year": "2030", "cvc": "123"},
    }


def _browser_confirms_setup(secret: str, number: str, *, finish_3ds: bool = True):
    """What Stripe.js's confirmCardSetup sends (card, then 3-D Secure if asked)."""
    setup_id = secret.split("_secret_")[0]
    intent = gateway.call(
        "setup_intents",
        "confirm",
        setup_id,
        client_secret=secret,
        payment_method_data=_card(number),
    )
    if intent.status == "requires_action" and finish_3ds:
        intent = gateway.call("setup_intents", "confirm", setup_id, client_secret=secret)
    return setup_id


def _browser_authenticates(stripe, secret: str, *, success: bool = True) -> dict:
    """What Stripe.js's confirmCardPayment sends once the 3-D Secure modal is answered."""
    intent_id = secret.split("_secret_")[0]
    request = urllib.request.Request(
        f"http://127.0.0.1:{stripe.localstripe_port}/v1/payment_intents/{intent_id}"
        f"/_authenticate?success={'true' if success else 'false'}",
        data=json.dumps({"key": "pk_test_quartier", "client_secret": secret}).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local test server
        return json.loads(response.read())


def _payment(booking) -> Payment | None:
    return Payment.objects.filter(booking=booking).first()


def test_a_booking_request_leads_to_the_card_step_with_stripe_js_allowed(
    tenant_a, listing, customer, stripe
):
    with tenant_a.context():
        booking, location = _request_booking(customer, listing)

    page = customer.get(location)

    html = page.content.decode()
    assert location == f"/billing/bookings/{booking.pk}/card/"
    assert page.status_code == 200
    assert f'<script src="http://localhost:{stripe.localstripe_port}/js.stripe.com/v3/">' in html
    assert _secret(html, "card-form").startswith("seti_")
    assert "CHF\u00a063.00" in html  # 60.00 + 5 % service fee
    policy = page.headers["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if "script-src" in part)
    assert f"http://localhost:{stripe.localstripe_port}" in script_src
    assert "unsafe-inline" not in policy


def test_a_confirmed_card_is_authorised_after_the_server_reads_the_setup_intent(
    tenant_a, listing, customer, django_capture_on_commit_callbacks
):
    with tenant_a.context():
        booking, location = _request_booking(customer, listing)
        setup_id = _browser_confirms_setup(
            _secret(customer.get(location).content.decode(), "card-form"), CARD_OK
        )

        response = customer.post(location, {"action": "setup", "setup_intent": setup_id})

        assert response.status_code == 302
        assert response["Location"] == f"/billing/bookings/{booking.pk}/"
        payment = _payment(booking)
        assert (payment.status, payment.authorised_minor, payment.captured_minor) == (
            "authorised",
            6300,
            0,
        )
        intent = gateway.call("payment_intents", "retrieve", payment.stripe_payment_intent_id)
        assert (intent.status, intent.amount) == ("requires_capture", 6300)
        assert "Authorised" in customer.get(response["Location"]).content.decode()

        # the provider accepts, the customer confirms: the authorisation stands as it is
        provider = tenant_a.users["provider"]
        with django_capture_on_commit_callbacks(execute=True):
            booking = booking_transition(booking=booking, action="accept", actor=provider)
            booking = booking_transition(
                booking=booking, action="confirm", actor=tenant_a.users["customer"]
            )
        payment.refresh_from_db()
        assert (payment.status, payment.stripe_payment_intent_id) == ("authorised", intent.id)

        # the job is done: captured, and the page says paid
        with django_capture_on_commit_callbacks(execute=True):
            complete(booking)
        payment.refresh_from_db()
        assert (payment.status, payment.captured_minor) == ("captured", 6300)
        page = customer.get(f"/billing/bookings/{booking.pk}/").content.decode()
        assert re.search(r'id="payment-status">Paid<', page)
        assert re.search(r'id="payment-captured">CHF\u00a063.00<', page)


def test_the_server_refuses_a_setup_intent_the_browser_did_not_confirm(tenant_a, listing, customer):
    with tenant_a.context():
        booking, location = _request_booking(customer, listing)
        setup_id = _secret(customer.get(location).content.decode(), "card-form").split("_secret_")[
            0
        ]

        # the browser claims success, but the SetupIntent still waits for a card
        response = customer.post(location, {"action": "setup", "setup_intent": setup_id})

        assert response.status_code == 402
        assert NOT_AUTHORISED in response.content.decode()
        assert _payment(booking) is None
        assert (
            not BillingCustomer.objects.filter(user=tenant_a.users["customer"])
            .exclude(default_payment_method_id="")
            .exists()
        )
        # nor may an intent id be made up
        made_up = customer.post(location, {"action": "setup", "setup_intent": "seti_nothing"})
        assert made_up.status_code in (400, 402)
        assert _payment(booking) is None


def test_3d_secure_counts_only_once_stripe_says_the_intent_is_authorised(
    tenant_a, listing, customer, stripe
):
    with tenant_a.context():
        booking, location = _request_booking(customer, listing)
        setup_id = _browser_confirms_setup(
            _secret(customer.get(location).content.decode(), "card-form"), CARD_3DS
        )

        asked = customer.post(location, {"action": "setup", "setup_intent": setup_id})

        # the bank wants 3-D Secure for the charge: the page hands the intent to Stripe.js
        assert asked.status_code == 200
        secret = _secret(asked.content.decode(), "card-authenticate")
        intent_id = secret.split("_secret_")[0]
        payment = _payment(booking)
        assert (payment.status, payment.stripe_payment_intent_id) == ("pending", intent_id)

        # the browser claims it is done, but 3-D Secure was never completed
        early = customer.post(location, {"action": "authenticated", "payment_intent": intent_id})
        assert early.status_code == 402
        assert NOT_AUTHORISED in early.content.decode()
        payment.refresh_from_db()
        assert (payment.status, payment.authorised_minor) == ("pending", 0)
        # an intent this payment did not start is refused as well
        other = gateway.call(
            "payment_intents", "create", amount=6300, currency="chf", capture_method="manual"
        )
        forged = customer.post(location, {"action": "authenticated", "payment_intent": other.id})
        assert forged.status_code == 402
        payment.refresh_from_db()
        assert payment.status == "pending"

        _browser_authenticates(stripe, secret)
        done = customer.post(location, {"action": "authenticated", "payment_intent": intent_id})

        assert done.status_code == 302
        payment.refresh_from_db()
        assert (payment.status, payment.authorised_minor) == ("authorised", 6300)


def test_failed_3d_secure_leaves_the_booking_unpaid(tenant_a, listing, customer, stripe):
    with tenant_a.context():
        booking, location = _request_booking(customer, listing)
        setup_id = _browser_confirms_setup(
            _secret(customer.get(location).content.decode(), "card-form"), CARD_3DS
        )
        asked = customer.post(location, {"action": "setup", "setup_intent": setup_id})
        secret = _secret(asked.content.decode(), "card-authenticate")
        _browser_authenticates(stripe, secret, success=False)

        response = customer.post(
            location, {"action": "authenticated", "payment_intent": secret.split("_secret_")[0]}
        )

        assert response.status_code == 402
        assert NOT_AUTHORISED in response.content.decode()
        payment = _payment(booking)
        assert (payment.status, payment.authorised_minor, payment.captured_minor) == (
            "pending",
            0,
            0,
        )


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", DECLINED),
        ("de", "Ihre Karte wurde abgelehnt."),
        ("fr", "Votre carte a été refusée."),
        ("it", "La Sua carta è stata rifiutata."),
    ],
)
def test_a_card_declined_at_setup_shows_a_translated_message_and_nothing_is_paid(
    tenant_a, listing, customer, language, message
):
    with tenant_a.context():
        booking, location = _request_booking(customer, listing)
        secret = _secret(customer.get(location).content.decode(), "card-form")
        with pytest.raises(gateway.PaymentDeclined):
            _browser_confirms_setup(secret, CARD_DECLINED)

        response = customer.post(
            location,
            {"action": "setup", "setup_intent": secret.split("_secret_")[0]},
            HTTP_ACCEPT_LANGUAGE=language,
        )

        assert response.status_code == 402
        assert message in response.content.decode()
        assert _payment(booking) is None


def test_a_card_declined_when_charged_leaves_the_payment_unpaid_and_unsaved(
    tenant_a, listing, customer
):
    with tenant_a.context():
        booking, location = _request_booking(customer, listing)
        setup_id = _browser_confirms_setup(
            _secret(customer.get(location).content.decode(), "card-form"), CARD_CHARGE_DECLINED
        )

        response = customer.post(location, {"action": "setup", "setup_intent": setup_id})

        assert response.status_code == 402
        assert DECLINED in response.content.decode()
        payment = _payment(booking)
        assert (payment.status, payment.authorised_minor, payment.captured_minor) == (
            "pending",
            0,
            0,
        )
        assert (
            BillingCustomer.objects.get(user=tenant_a.users["customer"]).default_payment_method_id
            == ""
        )


def test_the_saved_card_pays_the_next_booking_and_can_be_removed(tenant_a, listing, customer):
    with tenant_a.context():
        first, location = _request_booking(customer, listing, hour=9)
        setup_id = _browser_confirms_setup(
            _secret(customer.get(location).content.decode(), "card-form"), CARD_OK
        )
        customer.post(location, {"action": "setup", "setup_intent": setup_id})
        saved = BillingCustomer.objects.get(
            user=tenant_a.users["customer"]
        ).default_payment_method_id

        second, location = _request_booking(customer, listing, hour=14)
        page = customer.get(location).content.decode()
        assert "Pay with Visa ending in 4242" in page
        response = customer.post(location, {"action": "saved"})

        assert response.status_code == 302
        payment = _payment(second)
        assert (payment.status, payment.authorised_minor) == ("authorised", 6300)
        intent = gateway.call("payment_intents", "retrieve", payment.stripe_payment_intent_id)
        assert intent.payment_method == saved

        methods = customer.get("/billing/payment-methods/").content.decode()
        assert "Visa ending in 4242, valid until 12/2030" in methods
        removed = customer.post("/billing/payment-methods/", {"action": "remove"})
        assert removed.status_code == 302
        assert (
            BillingCustomer.objects.get(user=tenant_a.users["customer"]).default_payment_method_id
            == ""
        )
        assert gateway.call("payment_methods", "retrieve", saved).customer is None
        assert (
            "You have no saved card." in customer.get("/billing/payment-methods/").content.decode()
        )


def test_a_request_declined_by_the_provider_releases_the_authorisation(
    tenant_a, listing, customer, django_capture_on_commit_callbacks
):
    with tenant_a.context():
        booking, location = _request_booking(customer, listing)
        setup_id = _browser_confirms_setup(
            _secret(customer.get(location).content.decode(), "card-form"), CARD_OK
        )
        customer.post(location, {"action": "setup", "setup_intent": setup_id})

        with django_capture_on_commit_callbacks(execute=True):
            booking_transition(booking=booking, action="decline", actor=tenant_a.users["provider"])

        payment = _payment(booking)
        assert (payment.status, payment.captured_minor) == ("released", 0)
        intent = gateway.call("payment_intents", "retrieve", payment.stripe_payment_intent_id)
        assert intent.status == "canceled"


def test_another_customer_cannot_open_the_card_step_or_the_payment(tenant_a, listing, customer):
    with tenant_a.context():
        booking, location = _request_booking(customer, listing)
        stranger = tenant_a.session_client("provider")

        assert stranger.get(location).status_code == 404
        assert stranger.post(location, {"action": "saved"}).status_code == 404
        assert stranger.get(f"/billing/bookings/{booking.pk}/").status_code == 404
        assert _payment(booking) is None


def test_an_offline_marketplace_has_no_card_step(tenant_a, customer):
    with tenant_a.context():
        listing = bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))
        booking, location = _request_booking(customer, listing)

        assert location == f"/bookings/{booking.pk}/confirmed/"
        assert customer.get(f"/billing/bookings/{booking.pk}/card/").status_code == 404


def test_the_webhook_records_a_3d_secure_authorisation_the_browser_never_reported(
    tenant_a, listing, customer, stripe, client
):
    with tenant_a.context():
        booking, location = _request_booking(customer, listing)
        setup_id = _browser_confirms_setup(
            _secret(customer.get(location).content.decode(), "card-form"), CARD_3DS
        )
        secret = _secret(
            customer.post(location, {"action": "setup", "setup_intent": setup_id}).content.decode(),
            "card-authenticate",
        )
        # 3-D Secure is completed, but the browser is closed before it posts back
        authenticated = _browser_authenticates(stripe, secret)

    response = deliver(client, event(authenticated, "payment_intent.amount_capturable_updated"))

    assert response.status_code == 200
    with tenant_a.context():
        payment = _payment(booking)
        assert (payment.status, payment.authorised_minor, payment.stripe_payment_intent_id) == (
            "authorised",
            6300,
            authenticated["id"],
        )
