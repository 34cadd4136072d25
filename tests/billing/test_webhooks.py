"""Stripe webhooks: signature checked, each event applied once, order does not matter."""

import random

import pytest

from quartier.billing import gateway
from quartier.billing.models import JournalEntry, Payment, Payout, WebhookEvent
from quartier.billing.services.payments import payment_refund
from quartier.billing.services.payouts import payouts_run
from quartier.bookings.services.lifecycle import booking_transition
from quartier.platform.money import Money
from tests.billing.factories import (
    add_card,
    complete,
    confirmed,
    deliver,
    event,
    go_online,
    push,
)
from tests.bookings.factories import bookable_listing, next_local
from tests.catalog.factories import make_provider

pytestmark = pytest.mark.usefixtures("stripe")


def _ledger_snapshot() -> list:
    entries = JournalEntry.objects.prefetch_related("lines").order_by("key")
    return [
        (
            entry.key,
            entry.kind,
            sorted((line.account, line.amount_minor, line.currency) for line in entry.lines.all()),
        )
        for entry in entries
    ]


def _state_snapshot() -> list:
    payments = Payment.objects.order_by("pk").values_list(
        "pk", "status", "authorised_minor", "captured_minor", "refunded_minor", "commission_minor"
    )
    payouts = Payout.objects.order_by("pk").values_list("pk", "status", "amount_minor")
    return [list(payments), list(payouts), _ledger_snapshot()]


def _intent_events(payment: Payment) -> list[dict]:
    intent = gateway.call("payment_intents", "retrieve", payment.stripe_payment_intent_id)
    kinds = {
        "captured": ["payment_intent.amount_capturable_updated", "payment_intent.succeeded"],
        "released": ["payment_intent.amount_capturable_updated", "payment_intent.canceled"],
    }[payment.status if payment.status != "refunded" else "captured"]
    return [event(intent, kind) for kind in kinds]


def _money_history(handle, stripe):
    """A captured and partly refunded booking, a free cancellation and a payout."""
    customer = handle.users["customer"]
    listing = bookable_listing(provider=make_provider(user=handle.users["provider"]))
    go_online(commission_basis_points=1500, customer_fee_fixed_minor=200)
    add_card(customer)
    paid = confirmed(listing=listing, customer=customer)
    push(paid)
    payment = push(complete(paid))
    refunded = payment_refund(
        payment=payment, amount=Money(1000, "CHF"), actor=handle.users["admin"], reason="Late"
    )
    cancelled = confirmed(listing=listing, customer=customer, starts_at=next_local(14))
    push(cancelled)
    booking_transition(booking=cancelled, action="cancel", actor=customer)
    released = push(cancelled)
    onboarded = handle.client("provider").post("/api/billing/connect/onboard/", {}, format="json")
    account = stripe.enable_payouts(onboarded.json()["account"]["stripe_account_id"])
    from quartier.billing.services.connect import connected_account_sync

    connected_account_sync(stripe_account=account)
    [payout] = payouts_run(force=True)
    refund = gateway.call("refunds", "list", payment_intent=payment.stripe_payment_intent_id)
    transfer = stripe.state.transfers[payout.stripe_transfer_id]
    return [
        *_intent_events(refunded),
        *_intent_events(released),
        *[event(item, "refund.created") for item in refund.data if item.metadata],
        event(account, "account.updated"),
        event(transfer, "transfer.created"),
    ]


def test_replaying_every_event_three_times_in_any_order_changes_nothing(tenant_a, stripe, client):
    with tenant_a.context():
        events = _money_history(tenant_a, stripe)
        before = _state_snapshot()
    assert len(events) == 7
    deliveries = events * 3
    random.Random(20261125).shuffle(deliveries)

    outcomes = [deliver(client, body).json()["status"] for body in deliveries]

    assert outcomes.count("applied") == len(events)
    assert outcomes.count("duplicate") == 2 * len(events)
    with tenant_a.context():
        assert _state_snapshot() == before
        assert WebhookEvent.objects.count() == len(events)


def test_webhooks_alone_bring_a_payment_to_the_same_ledger(
    tenant_a, stripe, client, django_capture_on_commit_callbacks
):
    """Our capture call's answer was lost; Stripe's events, out of order, finish the job."""
    customer = tenant_a.users["customer"]
    with tenant_a.context():
        listing = bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))
        go_online()
        add_card(customer)
        booking = confirmed(listing=listing, customer=customer)
        payment = push(booking)
        complete(booking)
        # Stripe captures, but the answer is lost and every retry meets an outage.
        stripe.fail_next("/v1/payment_intents", "stall", count=1, stall_seconds=1.5)
        stripe.fail_next("/v1/payment_intents", "500", count=5)
        payment = push(booking)
        assert (payment.status, payment.last_error != "") == ("authorised", True)
        stripe.clear_faults()
        intent = gateway.call("payment_intents", "retrieve", payment.stripe_payment_intent_id)

    succeeded = deliver(client, event(intent, "payment_intent.succeeded"))
    capturable = deliver(client, event(intent, "payment_intent.amount_capturable_updated"))

    assert [succeeded.json(), capturable.json()] == [{"status": "applied"}] * 2
    with tenant_a.context():
        payment.refresh_from_db()
        assert (payment.status, payment.captured_minor, payment.commission_minor) == (
            "captured",
            6000,
            600,
        )
        kinds = sorted(JournalEntry.objects.filter(payment=payment).values_list("kind", flat=True))
        assert kinds == ["authorisation", "capture", "commission"]
    assert stripe.processed("POST", f"/v1/payment_intents/{intent.id}/capture") == 1


def test_a_bad_signature_is_a_400_and_changes_nothing(tenant_a, stripe, client):
    with tenant_a.context():
        before = _state_snapshot()
    forged = event(
        {"id": "acct_x", "metadata": {"tenant": tenant_a.tenant.schema_name}}, "account.updated"
    )

    response = deliver(client, forged, secret="whsec_not_ours")
    garbage = client.post(
        "/api/stripe/webhook/", b"{", content_type="application/json", HTTP_HOST="localhost"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "bad_signature"
    assert garbage.status_code == 400
    with tenant_a.context():
        assert _state_snapshot() == before
        assert WebhookEvent.objects.count() == 0


def test_unknown_event_types_and_tenants_are_acknowledged_and_ignored(tenant_a, stripe, client):
    unknown_type = event({"id": "x", "metadata": {"tenant": "telco"}}, "customer.tax_id.created")
    unknown_tenant = event({"id": "acct_x", "metadata": {"tenant": "nobody"}}, "account.updated")

    answers = [deliver(client, body) for body in (unknown_type, unknown_tenant)]

    assert [(a.status_code, a.json()["status"]) for a in answers] == [(200, "ignored")] * 2
    with tenant_a.context():
        assert WebhookEvent.objects.count() == 0


def test_an_expired_authorisation_is_renewed(
    tenant_a, stripe, client, django_capture_on_commit_callbacks
):
    customer = tenant_a.users["customer"]
    with tenant_a.context():
        listing = bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))
        go_online()
        add_card(customer)
        payment = push(confirmed(listing=listing, customer=customer))
        first_intent = payment.stripe_payment_intent_id
        # Stripe cancels an authorisation left uncaptured for 7 days on its own.
        expired = gateway.call("payment_intents", "cancel", first_intent).to_dict()
        expired["cancellation_reason"] = "automatic"

    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, event(expired, "payment_intent.canceled")).json() == {
            "status": "applied"
        }

    with tenant_a.context():
        payment.refresh_from_db()
        assert payment.status == "authorised"
        assert payment.authorisation_generation == 2
        assert payment.stripe_payment_intent_id != first_intent
        kinds = list(JournalEntry.objects.filter(payment=payment).values_list("key", flat=True))
        assert kinds == [
            f"payment:{payment.pk}:authorisation:1",
            f"payment:{payment.pk}:release:1",
            f"payment:{payment.pk}:authorisation:2",
        ]
