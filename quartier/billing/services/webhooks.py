"""Stripe webhooks: verified, routed to the tenant they belong to, applied exactly once.

One endpoint serves the whole platform. Every object we create at Stripe carries
`metadata.tenant` (the schema), so an event is applied inside that tenant's schema, and
its id is stored there in the same transaction as the change: a redelivered event finds
its id and changes nothing. Handlers only move a payment forward and post keyed ledger
entries, so events arriving out of order or after our own call agree with it.
"""

import logging
from http import HTTPStatus

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from quartier.billing import errors, gateway
from quartier.billing.models import Payment, Payout, WebhookEvent
from quartier.billing.services import connect, payments, payouts
from quartier.bookings.services import disputes
from quartier.platform.errors import ApplicationError
from quartier.platform.tenancy import active_tenants, tenant_context

logger = logging.getLogger(__name__)


def webhook_receive(*, payload: bytes, signature: str) -> str:
    """Verify and apply one event; returns "applied", "duplicate" or "ignored"."""
    event = _verify(payload, signature)
    handler = HANDLERS.get(event["type"])
    data = event["data"]["object"]
    if handler is _disputed:
        data = _with_intent_metadata(data)
    schema = (data.get("metadata") or {}).get("tenant")
    if handler is None or not schema:
        return "ignored"
    tenants = active_tenants(schema)
    if not tenants:
        logger.warning("webhook for an unknown tenant", extra={"schema": schema})
        return "ignored"
    with tenant_context(tenants[0]):
        return _apply_once(event, handler, data)


def _verify(payload: bytes, signature: str) -> dict:
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise ApplicationError(
            errors.NOT_CONFIGURED,
            _("Webhooks are not configured."),
            status=HTTPStatus.SERVICE_UNAVAILABLE,
        )
    try:
        event = stripe.Webhook.construct_event(
            payload.decode("utf-8"), signature, settings.STRIPE_WEBHOOK_SECRET
        )
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError) as error:
        raise ApplicationError(
            errors.BAD_SIGNATURE, _("The webhook signature or payload is not valid.")
        ) from error
    return event.to_dict()


def _apply_once(event: dict, handler, data: dict) -> str:
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(event_id=event["id"], event_type=event["type"])
            handler(data)
    except IntegrityError:
        if WebhookEvent.objects.filter(event_id=event["id"]).exists():
            return "duplicate"
        raise
    return "applied"


def _payment(data: dict, *, current_generation: bool = True) -> Payment | None:
    metadata = data.get("metadata") or {}
    payment = (
        Payment.objects.select_for_update()
        .select_related("booking")
        .filter(pk=int(metadata.get("payment") or 0))
        .first()
    )
    if payment is None:
        return None
    # An event about an authorisation we already replaced says nothing about this one.
    generation = metadata.get("generation")
    if current_generation and generation and int(generation) != payment.authorisation_generation:
        return None
    return payment


def _authorised(data: dict) -> None:
    payment = _payment(data)
    if payment:
        amount = data.get("amount_capturable") or data["amount"]
        payments.record_authorised(payment=payment, intent_id=data["id"], amount_minor=amount)


def _succeeded(data: dict) -> None:
    payment = _payment(data)
    if payment:
        payments.record_authorised(
            payment=payment, intent_id=data["id"], amount_minor=data["amount"]
        )
        payments.record_captured(payment=payment, amount_minor=gateway.amount_received(data))


def _canceled(data: dict) -> None:
    payment = _payment(data)
    if payment:
        # Cancelled without our asking (Stripe's 7-day expiry) while the job is still
        # ahead: authorise again.
        payments.record_released(payment=payment, expired=payment.capture_due_minor is None)


def _failed(data: dict) -> None:
    payment = _payment(data)
    if payment and payment.status == Payment.Status.PENDING:
        payment.status = Payment.Status.FAILED
        error = data.get("last_payment_error") or {}
        payment.last_error = (error.get("message") or "The payment failed.")[:500]
        payment.save()


def _refunded(data: dict) -> None:
    payment = _payment(data, current_generation=False)
    if payment and data.get("status") == "succeeded":
        payments.record_refunded(
            payment=payment,
            refund_id=data["id"],
            amount_minor=data["amount"],
            reason=(data.get("metadata") or {}).get("reason") or "",
        )


def _with_intent_metadata(dispute: dict) -> dict:
    """A dispute carries no metadata of ours: its PaymentIntent does (tenant, payment).

    Asked of Stripe before any transaction is opened; an intent Stripe does not know
    leaves the event without a tenant, so it is acknowledged and ignored.
    """
    if (dispute.get("metadata") or {}).get("tenant") or not dispute.get("payment_intent"):
        return dispute
    intent_id = dispute["payment_intent"]
    if isinstance(intent_id, dict):  # expanded
        return {**dispute, "metadata": intent_id.get("metadata") or {}}
    try:
        intent = gateway.call("payment_intents", "retrieve", intent_id).to_dict()
    except ApplicationError as error:
        if error.code != errors.PROVIDER_REFUSED:
            raise  # Stripe unreachable: a 5xx, and Stripe delivers the event again
        logger.warning("dispute for an unknown payment intent", extra={"intent": intent_id})
        return dispute
    return {**dispute, "metadata": intent.get("metadata") or {}}


def _disputed(data: dict) -> None:
    payment = _payment(data, current_generation=False)
    if payment:
        disputes.dispute_card_record(
            booking=payment.booking,
            stripe_dispute_id=data["id"],
            stripe_status=data.get("status") or "",
            reason=data.get("reason") or "",
            amount_minor=data.get("amount") or 0,
            currency=data.get("currency") or payment.currency,
        )


def _account_updated(data: dict) -> None:
    connect.connected_account_sync(stripe_account=data)


def _transfer_created(data: dict) -> None:
    payout_id = int((data.get("metadata") or {}).get("payout") or 0)
    payout = Payout.objects.select_for_update().filter(pk=payout_id).first()
    if payout:
        payouts.record_paid(payout=payout, transfer_id=data["id"])


HANDLERS = {
    "payment_intent.amount_capturable_updated": _authorised,
    "payment_intent.succeeded": _succeeded,
    "payment_intent.canceled": _canceled,
    "payment_intent.payment_failed": _failed,
    "refund.created": _refunded,
    "refund.updated": _refunded,
    "charge.dispute.created": _disputed,
    "charge.dispute.updated": _disputed,
    "charge.dispute.closed": _disputed,
    "account.updated": _account_updated,
    "transfer.created": _transfer_created,
}
