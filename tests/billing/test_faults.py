"""Stripe timeouts and 5xx: retried under one idempotency key; nothing doubled, nothing lost."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quartier.billing.models import JournalEntry, Payment
from quartier.billing.tasks import payments_sweep
from tests.billing.factories import add_card, complete, confirmed, go_online, push
from tests.bookings.factories import bookable_listing
from tests.catalog.factories import make_provider

pytestmark = pytest.mark.usefixtures("stripe")
CREATE = ("POST", "/v1/payment_intents")


@pytest.fixture
def booking(tenant_a):
    with tenant_a.context():
        listing = bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))
        go_online()
        add_card(tenant_a.users["customer"])
        return confirmed(listing=listing, customer=tenant_a.users["customer"])


def test_server_errors_are_retried_until_stripe_answers(tenant_a, booking, stripe):
    before = stripe.processed(*CREATE)
    stripe.fail_next("/v1/payment_intents", "500", count=2)

    with tenant_a.context():
        payment = push(booking)

    assert (payment.status, payment.attempts) == ("authorised", 1)
    assert stripe.processed(*CREATE) - before == 1


def test_a_lost_answer_is_retried_with_the_same_key_and_charges_once(tenant_a, booking, stripe):
    before = stripe.processed(*CREATE)
    # Stripe creates the authorisation, but the answer never reaches us in time.
    stripe.fail_next("/v1/payment_intents", "stall", count=1, stall_seconds=2)

    with tenant_a.context():
        payment = push(booking)

    assert payment.status == "authorised"
    assert stripe.processed(*CREATE) - before == 1  # the retry was answered from the first


def test_an_outage_leaves_the_payment_pending_and_the_sweep_finishes_it(tenant_a, booking, stripe):
    before = stripe.processed(*CREATE)
    stripe.fail_next("/v1/payment_intents", "stall", count=1, stall_seconds=2)
    stripe.fail_next("/v1/payment_intents", "500", count=10)

    # while Stripe is down the booking stays confirmed and its payment visibly pending
    with tenant_a.context():
        payment = push(booking)
    assert (payment.status, bool(payment.last_error)) == ("pending", True)
    shown = tenant_a.client("customer").get(f"/api/billing/payments/{payment.pk}/").json()
    assert (shown["status"], shown["authorised"]["amount_minor"]) == ("pending", 0)
    assert tenant_a.client("customer").get(f"/api/bookings/{booking.pk}/").json()["status"] == (
        "confirmed"
    )

    # when Stripe is back, the sweep retries under the same key: one authorisation
    stripe.clear_faults()
    assert payments_sweep(schema_name=tenant_a.tenant.schema_name) == 1
    with tenant_a.context():
        payment.refresh_from_db()
        assert (payment.status, payment.authorised_minor, payment.last_error) == (
            "authorised",
            6000,
            "",
        )
    assert stripe.processed(*CREATE) - before == 1

    # and a capture missed during a second outage is done by the next sweep
    with tenant_a.context():
        complete(booking)
        stripe.fail_next("/v1/payment_intents", "500", count=10)
        assert push(booking).status == "authorised"
    stripe.clear_faults()
    payments_sweep(schema_name=tenant_a.tenant.schema_name)
    with tenant_a.context():
        payment = Payment.objects.get(pk=payment.pk)
        assert (payment.status, payment.captured_minor) == ("captured", 6000)
        assert JournalEntry.objects.filter(payment=payment, kind="capture").count() == 1


def test_a_payment_in_flight_is_left_to_its_worker_until_the_mark_runs_out(
    tenant_a, booking, stripe
):
    before = stripe.processed(*CREATE)
    with tenant_a.context():
        in_flight = Payment.objects.filter(booking=booking)
        in_flight.update(in_flight_until=timezone.now() + timedelta(minutes=1))

        # another worker is talking to Stripe about it: the sweep leaves it alone
        assert push(booking).status == "pending"
        assert stripe.processed(*CREATE) == before

        # that worker died: once its mark has run out, the payment is taken again
        in_flight.update(in_flight_until=timezone.now() - timedelta(seconds=1))
        payment = push(booking)

    assert (payment.status, payment.in_flight_until, payment.attempts) == ("authorised", None, 1)
    assert stripe.processed(*CREATE) - before == 1
