"""The card step: the customer authorises a booking's payment in the browser.

    1. card_setup_start     a SetupIntent (metadata: tenant, user; no write here); the
                            browser confirms it with Stripe.js `confirmCardSetup`, which
                            sends the card straight to Stripe and runs 3-D Secure
    2. card_setup_finish    the server RETRIEVES the SetupIntent: only `succeeded`, with
                            our tenant and user in its metadata, counts; its card becomes
                            the customer's saved card
    3. card_authorise       a PaymentIntent for price + customer fee, capture_method=manual,
                            confirmed at once: `requires_capture` is the authorisation;
                            `requires_action` (the bank wants 3-D Secure for this charge)
                            goes back to the browser, which runs `confirmCardPayment`
    4. card_authentication_finish
                            the server retrieves that PaymentIntent: `requires_capture`
                            for this payment's amount is the authorisation, anything else
                            is not

What the browser reports is never trusted: each step reads the intent back from Stripe.
Stripe is called with no transaction open, as claim -> call -> record (see payments.py).
A refused or unfinished card leaves the payment pending: nothing is marked paid.
"""

from dataclasses import dataclass
from http import HTTPStatus

from django.db import connection, transaction
from django.utils.translation import gettext as _

from quartier.billing import errors, gateway
from quartier.billing.fees import FeeTerms, customer_fee
from quartier.billing.models import BillingCustomer, Payment, PaymentMode
from quartier.billing.services.connect import payment_method_attach
from quartier.billing.services.payments import (
    _claim,
    _idempotency_key,
    _locked,
    _metadata,
    _recorded,
    _release,
    payment_get_or_create,
    record_authorised,
)
from quartier.billing.services.settings import payout_settings_get
from quartier.bookings.models import Booking, BookingStatus
from quartier.platform.errors import ApplicationError, Conflict, NotFound

# A payment can be authorised while the booking waits for the provider or is confirmed.
PAYABLE = {BookingStatus.REQUESTED, BookingStatus.ACCEPTED, BookingStatus.CONFIRMED}
DONE = {Payment.Status.AUTHORISED, Payment.Status.CAPTURED}


@dataclass(frozen=True)
class CardOutcome:
    payment: Payment
    # Set when the bank asks for 3-D Secure: the browser confirms this PaymentIntent.
    client_secret: str = ""

    @property
    def authorised(self) -> bool:
        return self.payment.status in DONE


def card_declined() -> ApplicationError:
    return ApplicationError(
        errors.PAYMENT_FAILED,
        _("Your card was declined. Nothing was charged; please try another card."),
        status=HTTPStatus.PAYMENT_REQUIRED,
    )


def card_not_authorised() -> ApplicationError:
    return ApplicationError(
        errors.CARD_NOT_AUTHORISED,
        _(
            "Your card has not been authorised: the card check was not completed. "
            "Nothing was charged; please try again."
        ),
        status=HTTPStatus.PAYMENT_REQUIRED,
    )


def online() -> bool:
    return payout_settings_get().payment_mode == PaymentMode.ONLINE


def card_step_url_needed(booking: Booking) -> bool:
    """After a booking request: does the customer go on to the card step?"""
    return booking.price is not None and online()


def amounts_of(booking: Booking) -> dict:
    """Price, customer fee and total of a booking: the payment's if it is open, else
    what opening it now would ask."""
    payment = Payment.objects.filter(booking=booking).first()
    if payment is not None:
        price, fee = payment.money(payment.price_minor), payment.money(payment.customer_fee_minor)
    else:
        price = booking.price
        fee = customer_fee(price, FeeTerms.of(payout_settings_get()))
    return {"price": price, "fee": fee, "total": price + fee}


def card_step_payable(*, booking: Booking, user) -> None:
    """The card step exists for the booking's own customer, when payments are online."""
    if booking.customer_id != user.pk or booking.price is None:
        raise NotFound(_("No such booking."))
    if not online():
        raise NotFound(_("This marketplace takes no payments online."))


def saved_card_of(*, user) -> dict | None:
    """The customer's saved card as Stripe describes it (brand, last 4 digits), or None."""
    billing = BillingCustomer.objects.filter(user=user).first()
    if billing is None or not billing.default_payment_method_id:
        return None
    method = gateway.call("payment_methods", "retrieve", billing.default_payment_method_id)
    card = method.card
    return {
        "id": method.id,
        "brand": card.brand,
        "last4": card.last4,
        "exp_month": card.exp_month,
        "exp_year": card.exp_year,
    }


def saved_card_remove(*, user) -> None:
    """Forget the customer's saved card here and detach it at Stripe."""
    billing = BillingCustomer.objects.filter(user=user).first()
    if billing is None or not billing.default_payment_method_id:
        return
    gateway.call("payment_methods", "detach", billing.default_payment_method_id)
    BillingCustomer.objects.filter(
        pk=billing.pk, default_payment_method_id=billing.default_payment_method_id
    ).update(default_payment_method_id="")


def card_setup_start(*, user) -> str:
    """A SetupIntent for a new card; returns its client secret for Stripe.js.

    Made while showing the page, so it writes nothing here (a GET never writes): the
    Stripe customer is made, and the card attached to it, once the card is confirmed.
    """
    intent = gateway.call(
        "setup_intents",
        "create",
        usage="off_session",
        payment_method_types=["card"],
        metadata={"tenant": connection.schema_name, "user": str(user.pk)},
    )
    return intent.client_secret


def card_setup_finish(*, booking: Booking, user, setup_intent_id: str) -> CardOutcome:
    """The browser says the card is set up: check at Stripe, save it, then authorise."""
    card_step_payable(booking=booking, user=user)
    if not setup_intent_id.startswith("seti_"):
        raise card_not_authorised()
    intent = gateway.call("setup_intents", "retrieve", setup_intent_id)
    metadata = intent.to_dict().get("metadata") or {}
    if metadata.get("tenant") != connection.schema_name or metadata.get("user") != str(user.pk):
        raise card_not_authorised()
    if intent.status == "canceled":
        raise card_declined()
    if intent.status != "succeeded" or not intent.payment_method:
        raise card_not_authorised()
    method_id = intent.payment_method
    if not isinstance(method_id, str):
        method_id = method_id.id
    payment_method_attach(user=user, payment_method_id=method_id)
    try:
        return card_authorise(booking=booking, user=user, payment_method_id=method_id)
    except ApplicationError as error:
        if error.code == errors.PAYMENT_FAILED:
            # A card that cannot pay is not kept as the one to charge later.
            BillingCustomer.objects.filter(user=user, default_payment_method_id=method_id).update(
                default_payment_method_id=""
            )
        raise


def card_authorise(*, booking: Booking, user, payment_method_id: str = "") -> CardOutcome:
    """Authorise price + customer fee on the card (default: the saved one)."""
    card_step_payable(booking=booking, user=user)
    billing = BillingCustomer.objects.filter(user=user).first()
    payment_method_id = payment_method_id or (billing.default_payment_method_id if billing else "")
    if billing is None or not payment_method_id:
        raise card_not_authorised()
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status not in PAYABLE:
            raise Conflict(
                errors.NOT_PAYABLE,
                _("This booking can no longer be paid."),
                extra={"status": booking.status},
            )
        payment = _locked(payment_get_or_create(booking=booking).pk)
        if payment.status in DONE:
            return CardOutcome(payment)
        if payment.mode != PaymentMode.ONLINE or payment.status not in (
            Payment.Status.PENDING,
            Payment.Status.FAILED,
        ):
            raise Conflict(
                errors.NOT_PAYABLE,
                _("This booking can no longer be paid."),
                extra={"status": payment.status},
            )
        if not _claim(payment):
            raise Conflict(
                errors.NOT_PAYABLE,
                _("This payment is being processed; please reload the page in a moment."),
            )
        payment.status = Payment.Status.PENDING
        payment.attempts += 1
        payment.save()
        generation = payment.authorisation_generation
        request = {
            # Each card attempt is its own request: a retry after a refusal asks again.
            "idempotency_key": _idempotency_key(
                payment, f"authorise:{generation}:card:{payment.attempts}"
            ),
            "amount": payment.total.amount_minor,
            "currency": payment.currency.lower(),
            "customer": billing.stripe_customer_id,
            "payment_method": payment_method_id,
            "capture_method": "manual",
            "confirm": True,
            "metadata": {**_metadata(payment), "generation": str(generation)},
        }
    payment_id = payment.pk
    try:
        intent = gateway.call("payment_intents", "create", **request)
    except gateway.PaymentDeclined as error:
        _note(payment_id, error.message)
        raise card_declined() from error
    except gateway.StripeUnavailable as error:
        _note(payment_id, error.message)
        raise
    except Exception:
        _release(payment_id)
        raise
    return _record_intent(payment_id, intent, generation)


def _note(payment_id: int, message: str) -> Payment:
    with transaction.atomic():
        payment = _recorded(payment_id)
        payment.last_error = message[:500]
        payment.save()
        return payment


def _record_intent(payment_id: int, intent, generation: int) -> CardOutcome:
    with transaction.atomic():
        payment = _recorded(payment_id)
        if payment.status in DONE:
            return CardOutcome(payment)
        if payment.authorisation_generation == generation:
            if intent.status == "requires_capture" and intent.amount == payment.total.amount_minor:
                return CardOutcome(
                    record_authorised(
                        payment=payment, intent_id=intent.id, amount_minor=intent.amount
                    )
                )
            if intent.status == "requires_action":
                payment.stripe_payment_intent_id = intent.id
                payment.last_error = ""
                payment.save()
                return CardOutcome(payment, client_secret=intent.client_secret)
        payment.last_error = f"Stripe answered {intent.status}."
        payment.save()
    raise card_not_authorised()


def card_authentication_finish(*, booking: Booking, user, payment_intent_id: str) -> CardOutcome:
    """The browser says 3-D Secure is done: retrieve the PaymentIntent and decide."""
    card_step_payable(booking=booking, user=user)
    payment = Payment.objects.filter(booking=booking).first()
    if payment is None:
        raise card_not_authorised()
    if payment.status in DONE:
        return CardOutcome(payment)
    # Only the intent this payment started counts, never an id the browser brings along.
    if not payment_intent_id or payment_intent_id != payment.stripe_payment_intent_id:
        raise card_not_authorised()
    intent = gateway.call("payment_intents", "retrieve", payment_intent_id)
    metadata = intent.to_dict().get("metadata") or {}
    if metadata.get("tenant") != connection.schema_name or metadata.get("payment") != str(
        payment.pk
    ):
        raise card_not_authorised()
    generation = int(metadata.get("generation") or 0)
    return _record_intent_after_action(payment.pk, intent, generation)


def _record_intent_after_action(payment_id: int, intent, generation: int) -> CardOutcome:
    if intent.status == "requires_action":
        # The browser came back without finishing 3-D Secure.
        _note(payment_id, "3-D Secure not completed.")
        raise card_not_authorised()
    if intent.status == "requires_capture":
        return _record_intent(payment_id, intent, generation)
    _note(payment_id, f"Stripe answered {intent.status}.")
    raise card_not_authorised()
