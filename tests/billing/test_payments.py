"""Money end to end against localstripe: authorise, capture, pay out, cancel, offline."""

import pytest

from quartier.billing import gateway, ledger
from quartier.billing.models import ConnectedAccount, Payment
from quartier.bookings.services.lifecycle import booking_transition
from tests.billing.factories import add_card, complete, confirmed, deliver, event, go_online
from tests.bookings.factories import bookable_listing, next_local
from tests.catalog.factories import make_provider

pytestmark = pytest.mark.usefixtures("stripe")
TERMS = {
    "commission_basis_points": 1000,
    "commission_fixed_minor": 50,
    "customer_fee_basis_points": 500,
}


@pytest.fixture
def listing(tenant_a):
    with tenant_a.context():
        return bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))


def _intent(payment: Payment):
    return gateway.call("payment_intents", "retrieve", payment.stripe_payment_intent_id)


def _parties(currency="CHF") -> dict:
    return {
        party: total for (party, cur), total in ledger.party_balances().items() if cur == currency
    }


def test_booking_is_authorised_captured_and_paid_out_minus_commission(
    tenant_a, listing, stripe, client, django_capture_on_commit_callbacks
):
    customer, provider = tenant_a.users["customer"], listing.provider
    with tenant_a.context():
        go_online(**TERMS)
        add_card(customer)

    # when the customer confirms: price 60.00 + 5 % fee is authorised, not captured
    with tenant_a.context(), django_capture_on_commit_callbacks(execute=True):
        booking = confirmed(listing=listing, customer=customer)
    with tenant_a.context():
        payment = Payment.objects.get(booking=booking)
        assert (payment.status, payment.authorised_minor) == ("authorised", 6300)
        assert _intent(payment).status == "requires_capture"

    # when the provider completes the job: the whole amount is captured
    with tenant_a.context(), django_capture_on_commit_callbacks(execute=True):
        complete(booking)
    with tenant_a.context():
        payment.refresh_from_db()
        assert (payment.status, payment.captured_minor) == ("captured", 6300)
        assert payment.commission_minor == 600 + 50
        assert _intent(payment).status == "succeeded"

    # when the provider onboards to Connect and Stripe reports the account ready
    onboard = tenant_a.client("provider").post("/api/billing/connect/onboard/", {}, format="json")
    assert onboard.status_code == 200, onboard.json()
    assert onboard.json()["url"].startswith("https://connect.stripe.test/setup/acct_")
    account_id = onboard.json()["account"]["stripe_account_id"]
    assert deliver(client, event(stripe.enable_payouts(account_id), "account.updated")).json() == {
        "status": "applied"
    }
    with tenant_a.context():
        assert ConnectedAccount.objects.get(provider=provider).payouts_enabled is True

    # then a payout run transfers the price minus commission
    run = tenant_a.client("admin").post("/api/billing/payouts/run/")
    assert run.status_code == 200, run.json()
    assert [p["amount"]["amount_minor"] for p in run.json()] == [6000 - 650]
    # The Stripe stand-in lives for the whole session: earlier tests' transfers are there too.
    sent = [t["amount"] for t in stripe.state.transfers.values() if t["destination"] == account_id]
    assert sent == [5350]

    # and the ledger balances to zero: the provider is square, the platform keeps its cut
    with tenant_a.context():
        assert ledger.trial_balance() == {"CHF": 0}
        parties = _parties()
        assert parties[f"provider:{provider.pk}"] == 0
        assert parties[f"customer:{customer.pk}"] == 0
        assert parties["platform"] == -(650 + 300)
        assert parties["stripe"] == 650 + 300
        assert sum(parties.values()) == 0
    assert tenant_a.client("admin").post("/api/billing/payouts/run/").json() == []


def test_cancelling_inside_the_free_window_releases_everything(
    tenant_a, listing, django_capture_on_commit_callbacks
):
    customer = tenant_a.users["customer"]
    with tenant_a.context(), django_capture_on_commit_callbacks(execute=True):
        go_online(**TERMS, free_cancellation_hours=24)
        add_card(customer)
        booking = confirmed(listing=listing, customer=customer)  # starts in 2 days
    with tenant_a.context(), django_capture_on_commit_callbacks(execute=True):
        booking_transition(booking=booking, action="cancel", actor=customer)
    with tenant_a.context():
        payment = Payment.objects.get(booking=booking)
        assert (payment.status, payment.captured_minor) == ("released", 0)
        assert _intent(payment).status == "canceled"
        assert ledger.trial_balance() == {"CHF": 0}
        assert set(_parties().values()) == {0}


def test_a_late_cancellation_captures_the_policy_share_and_releases_the_rest(
    tenant_a, listing, django_capture_on_commit_callbacks
):
    customer, provider = tenant_a.users["customer"], listing.provider
    with tenant_a.context(), django_capture_on_commit_callbacks(execute=True):
        # the job starts in 2 days; cancelling is free only until 72 hours before
        go_online(**TERMS, free_cancellation_hours=72, late_cancellation_basis_points=5000)
        add_card(customer)
        booking = confirmed(listing=listing, customer=customer)
    with tenant_a.context(), django_capture_on_commit_callbacks(execute=True):
        booking_transition(booking=booking, action="cancel", actor=customer)
    with tenant_a.context():
        payment = Payment.objects.get(booking=booking)
        assert (payment.status, payment.captured_minor) == ("captured", 3000)
        assert payment.commission_minor == 300 + 50
        assert gateway.amount_received(_intent(payment)) == 3000
        assert ledger.trial_balance() == {"CHF": 0}
        parties = _parties()
        assert parties[f"provider:{provider.pk}"] == -(3000 - 350)
        assert parties[f"customer:{customer.pk}"] == 0
        assert parties["platform"] == -350
        assert parties["stripe"] == 3000


def test_a_provider_cancelling_late_costs_the_customer_nothing(
    tenant_a, listing, django_capture_on_commit_callbacks
):
    customer = tenant_a.users["customer"]
    with tenant_a.context(), django_capture_on_commit_callbacks(execute=True):
        go_online(**TERMS, free_cancellation_hours=72)
        add_card(customer)
        booking = confirmed(listing=listing, customer=customer)
    with tenant_a.context(), django_capture_on_commit_callbacks(execute=True):
        booking_transition(booking=booking, action="cancel", actor=listing.provider.user)
    with tenant_a.context():
        assert Payment.objects.get(booking=booking).status == "released"
        assert set(_parties().values()) == {0}


def test_offline_mode_records_the_on_site_payment_and_the_commission_owed(
    tenant_a, listing, django_capture_on_commit_callbacks
):
    customer, provider = tenant_a.users["customer"], listing.provider
    with tenant_a.context(), django_capture_on_commit_callbacks(execute=True):
        booking = complete(confirmed(listing=listing, customer=customer))  # offline: default
    with tenant_a.context():
        payment = Payment.objects.get(booking=booking)
        assert (payment.mode, payment.status, payment.captured_minor) == (
            "offline",
            "offline",
            6000,
        )
        assert (payment.customer_fee_minor, payment.commission_minor) == (0, 600)
        assert ledger.trial_balance() == {"CHF": 0}
        # the provider holds the cash and owes the platform its commission
        assert _parties() == {f"provider:{provider.pk}": 600, "platform": -600}


def test_confirming_online_without_a_card_is_refused_and_changes_nothing(tenant_a, listing):
    with tenant_a.context():
        go_online()
    client = tenant_a.client("customer")
    created = client.post(
        "/api/bookings/",
        {"listing": listing.pk, "starts_at": next_local(10).isoformat()},
        format="json",
    )
    booking_id = created.json()["id"]
    tenant_a.client("provider").post(f"/api/bookings/{booking_id}/accept/", {}, format="json")

    response = client.post(f"/api/bookings/{booking_id}/confirm/", {}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "payment_method_required"
    assert "payment_method" in response.json()["fields"]
    assert client.get(f"/api/bookings/{booking_id}/").json()["status"] == "accepted"
    with tenant_a.context():
        assert not Payment.objects.filter(booking_id=booking_id).exists()
