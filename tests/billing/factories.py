"""Billing test helpers: online settings, cards, paid bookings, signed webhook events."""

import hashlib
import hmac
import json
import secrets
import time
from datetime import timedelta

from django.utils import timezone

from quartier.billing import gateway
from quartier.billing.models import Payment
from quartier.billing.services.connect import payment_method_attach
from quartier.billing.services.payments import payment_settle
from quartier.billing.services.settings import payout_settings_update
from quartier.bookings.models import Booking
from quartier.bookings.services.lifecycle import booking_transition
from quartier.bookings.services.requests import booking_request_slot
from tests.bookings.factories import next_local
from tests.conftest import PLATFORM_HOST, STRIPE_WEBHOOK_SECRET


def go_online(**terms):
    return payout_settings_update(actor=None, payment_mode="online", **terms)


def add_card(user) -> str:
    """What Stripe.js does in the browser: a card becomes a PaymentMethod; then we attach it."""
    method = gateway.call(
        "payment_methods",
        "create",
        type="card",
        card={"number": "4242424242424242", "exp_month": "12", "exp_year": "2030", "cvc": "123"},
    )
    payment_method_attach(user=user, payment_method_id=method.id)
    return method.id


def confirmed(*, listing, customer, starts_at=None) -> Booking:
    booking = booking_request_slot(
        listing=listing, customer=customer, starts_at=starts_at or next_local(10)
    )
    booking = booking_transition(booking=booking, action="accept", actor=listing.provider.user)
    return booking_transition(booking=booking, action="confirm", actor=customer)


def complete(booking: Booking) -> Booking:
    """The job happened (moved into the past directly: the service refuses the future)."""
    past = timezone.now() - timedelta(hours=3)
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=past, ends_at=past + timedelta(hours=1), blocked_until=past + timedelta(hours=1)
    )
    booking.refresh_from_db()
    return booking_transition(booking=booking, action="complete", actor=booking.provider.user)


def push(booking: Booking) -> Payment:
    """Run the Stripe step that would run after commit (outside a test transaction)."""
    return payment_settle(payment_id=booking.payment.pk)


def captured_payment(*, listing, customer) -> Payment:
    booking = confirmed(listing=listing, customer=customer)
    push(booking)
    booking = complete(booking)
    return push(booking)


def event(obj, event_type: str) -> dict:
    data = obj.to_dict() if hasattr(obj, "to_dict") else obj
    return {
        "id": f"evt_{secrets.token_hex(10)}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "data": {"object": data},
    }


def signature(payload: bytes, secret: str = STRIPE_WEBHOOK_SECRET) -> str:
    """Stripe's scheme: HMAC-SHA256 of "<timestamp>.<payload>" under the endpoint secret."""
    timestamp = int(time.time())
    signed = f"{timestamp}.{payload.decode()}".encode()
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def deliver(client, event_body: dict, *, secret: str = STRIPE_WEBHOOK_SECRET):
    payload = json.dumps(event_body).encode()
    return client.post(
        "/api/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_HOST=PLATFORM_HOST,
        HTTP_STRIPE_SIGNATURE=signature(payload, secret),
    )
