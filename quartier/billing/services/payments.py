"""The money side of a booking, driven by its state machine.

    confirmed  -> Payment opened; online: Stripe authorises price + customer fee
                  (manual capture) after commit, retried until Stripe answers
    completed  -> online: capture; offline: the on-site payment is recorded
    cancelled / no-show -> the policy decides what is captured; the rest is released

Stripe is never called inside a transaction: the transition records what is due
(`capture_due_minor`) and a task does the call after commit, as claim (short
transaction) -> call (none open, no row locked) -> record (short transaction). Each
result is posted to the ledger under a key, so a webhook reporting the same movement
changes nothing.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.billing import errors, gateway, ledger
from quartier.billing.events import PaymentCaptured, PaymentRefunded
from quartier.billing.fees import FeeTerms, cancellation_charge, customer_fee, settle
from quartier.billing.models import BillingCustomer, JournalEntry, LedgerLine, Payment, PaymentMode
from quartier.billing.services.settings import payout_settings_get
from quartier.bookings.events import BookingTransitioned
from quartier.bookings.models import Booking, BookingStatus
from quartier.marketplace.services import audit_record
from quartier.platform.errors import ApplicationError, Conflict
from quartier.platform.events import publish
from quartier.platform.money import Money
from quartier.platform.tenancy import schema_context

# Stripe drops an uncaptured authorisation after 7 days; renew a day ahead.
AUTHORISATION_RENEW_AFTER = timedelta(days=6)
SETTLING = {
    BookingStatus.CANCELLED_BY_CUSTOMER,
    BookingStatus.CANCELLED_BY_PROVIDER,
    BookingStatus.NO_SHOW,
}
# A booking can end before it is confirmed; a payment authorised at the card step is
# then released.
NOT_YET_CONFIRMED = {BookingStatus.REQUESTED, BookingStatus.ACCEPTED}
UNCONFIRMED_ENDS = {BookingStatus.DECLINED, BookingStatus.EXPIRED}


def booking_transitioned(event: BookingTransitioned) -> None:
    """Subscriber of BookingTransitioned: runs inside the booking's transaction."""
    transition = event.to_status
    if not event.status_changed or transition not in {
        BookingStatus.CONFIRMED,
        BookingStatus.COMPLETED,
        *SETTLING,
        *UNCONFIRMED_ENDS,
    }:
        return
    booking = Booking.objects.select_related("customer").get(pk=event.booking_id)
    if transition == BookingStatus.CONFIRMED:
        payment_open(booking=booking)
        return
    payment = Payment.objects.filter(booking=booking).select_for_update().first()
    if payment is None:
        return
    if transition == BookingStatus.COMPLETED:
        _settle_later(payment, payment.price_minor + payment.customer_fee_minor)
    elif event.from_status in NOT_YET_CONFIRMED:
        # Authorised at the card step, but the booking never got confirmed: nothing is
        # owed, the hold is released.
        _settle_later(payment, 0)
    else:
        charge = cancellation_charge(
            payment.money(payment.price_minor),
            FeeTerms.of(payout_settings_get()),
            starts_at=booking.starts_at,
            cancelled_at=event.occurred_at,
            by_provider=transition == BookingStatus.CANCELLED_BY_PROVIDER,
        )
        _settle_later(payment, charge.amount_minor)


def payment_open(*, booking: Booking) -> Payment | None:
    """Open the booking's payment; online bookings need the customer's payment method."""
    if booking.price is None:
        return None
    payout_settings = payout_settings_get()
    online = payout_settings.payment_mode == PaymentMode.ONLINE
    if online:
        _payment_method_of(booking.customer)
    payment = payment_get_or_create(booking=booking, payout_settings=payout_settings)
    if online:
        _after_commit("billing.payment_authorise", payment)
    return payment


def payment_get_or_create(*, booking: Booking, payout_settings=None) -> Payment:
    """The booking's payment row, opened with today's fee terms if it has none yet.

    The card step opens it before the booking is confirmed (the customer authorises
    while booking); the confirmation then finds it, already authorised.
    """
    payout_settings = payout_settings or payout_settings_get()
    terms = FeeTerms.of(payout_settings)
    online = payout_settings.payment_mode == PaymentMode.ONLINE
    payment, _created = Payment.objects.get_or_create(
        booking=booking,
        defaults={
            "mode": payout_settings.payment_mode,
            "currency": booking.price.currency,
            "price_minor": booking.price.amount_minor,
            # Offline, the platform collects nothing from the customer.
            "customer_fee_minor": customer_fee(booking.price, terms).amount_minor if online else 0,
            "commission_basis_points": terms.commission_basis_points,
            "commission_fixed_minor": terms.commission_fixed_minor,
            "vat_basis_points": payout_settings.vat_basis_points,
        },
    )
    return payment


def _payment_method_of(customer) -> BillingCustomer:
    billing = BillingCustomer.objects.filter(user=customer).first()
    if billing is None or not billing.default_payment_method_id:
        raise ApplicationError(
            errors.PAYMENT_METHOD_REQUIRED,
            _("Add a payment method before confirming the booking."),
            fields={"payment_method": [_("Add a card to pay for this booking.")]},
        )
    return billing


def _settle_later(payment: Payment, amount_minor: int) -> None:
    if payment.status == Payment.Status.OFFLINE:
        return  # the provider already marked the cash received: that is what was paid
    payment.capture_due_minor = amount_minor
    payment.save(update_fields=["capture_due_minor", "updated_at"])
    if payment.mode == PaymentMode.OFFLINE:
        offline_payment_record(payment=payment)
    else:
        _after_commit("billing.payment_settle", payment)


def _after_commit(task_name: str, payment: Payment) -> None:
    from quartier.billing import tasks

    task = {"billing.payment_authorise": tasks.payment_authorise_task}.get(
        task_name, tasks.payment_settle_task
    )
    payment_id, schema = payment.pk, connection.schema_name

    def queue():
        # The callback may run after the caller left this tenant's schema (an outer
        # transaction commits later): queue from the schema the payment lives in.
        with schema_context(schema):
            task.delay(payment_id=payment_id)

    # robust: the booking is committed either way; a payment not queued is swept later.
    transaction.on_commit(queue, robust=True)


def _idempotency_key(payment: Payment, operation: str) -> str:
    return f"{connection.schema_name}:payment:{payment.pk}:{operation}"


def _metadata(payment: Payment) -> dict:
    return {
        "tenant": connection.schema_name,
        "payment": str(payment.pk),
        "booking": str(payment.booking_id),
    }


# --- authorise -------------------------------------------------------------------------
#
# Every Stripe call below runs with no transaction open and no row locked: claim (a short
# transaction: lock the payment, check it, mark it in flight, read what to send, commit)
# -> call Stripe (retried with pauses by the gateway) -> record (a new short transaction
# that locks the payment again, moves it forward only and clears the mark). While the
# mark holds, another run (the sweep) leaves the payment alone; if the worker died, the
# mark runs out. A repeated call is safe anyway: it carries the same idempotency key, so
# Stripe answers it with the first result, and each record_* posts under a key, once.


def _locked(payment_id: int) -> Payment:
    return (
        Payment.objects.select_for_update(of=("self",)).select_related("booking").get(pk=payment_id)
    )


def _claim(payment: Payment) -> bool:
    """Mark the (locked) payment in flight for one Stripe call, unless another run has it."""
    now = timezone.now()
    if payment.in_flight_until is not None and payment.in_flight_until > now:
        return False
    # Longer than the gateway's slowest failure: every attempt timing out, plus pauses.
    lease = settings.STRIPE_ATTEMPTS * (settings.STRIPE_TIMEOUT_SECONDS + 30)
    payment.in_flight_until = now + timedelta(seconds=lease)
    return True


def _release(payment_id: int) -> None:
    Payment.objects.filter(pk=payment_id).update(in_flight_until=None)


def _recorded(payment_id: int) -> Payment:
    """Open the record step: the payment locked again, its in-flight mark cleared."""
    payment = _locked(payment_id)
    if payment.in_flight_until is not None:
        payment.in_flight_until = None
        payment.save(update_fields=["in_flight_until", "updated_at"])
    return payment


def payment_authorise(*, payment_id: int) -> Payment:
    """Ask Stripe to authorise a pending payment; on an outage it stays pending."""
    with transaction.atomic():
        payment = _locked(payment_id)
        if payment.status != Payment.Status.PENDING or payment.mode != PaymentMode.ONLINE:
            return payment
        if payment.capture_due_minor == 0:
            return _mark_released(payment)  # cancelled for free before Stripe ever answered
        billing = _payment_method_of(payment.booking.customer)
        if not _claim(payment):
            return payment
        payment.attempts += 1
        payment.save(update_fields=["attempts", "in_flight_until", "updated_at"])
        generation = payment.authorisation_generation
        request = {
            "idempotency_key": _idempotency_key(payment, f"authorise:{generation}"),
            "amount": payment.total.amount_minor,
            "currency": payment.currency.lower(),
            "customer": billing.stripe_customer_id,
            "payment_method": billing.default_payment_method_id,
            "capture_method": "manual",
            "confirm": True,
            "metadata": {**_metadata(payment), "generation": str(generation)},
        }
    try:
        intent = gateway.call("payment_intents", "create", **request)
    except gateway.StripeUnavailable as error:
        return _record_error(payment_id, error.message)
    except gateway.PaymentDeclined as error:
        return _record_error(payment_id, error.message, failed=True)
    except Exception:
        _release(payment_id)  # a refusal or a bug: the next run may try again at once
        raise
    if intent.status != "requires_capture":
        return _record_error(payment_id, f"Stripe answered {intent.status}.", failed=True)
    with transaction.atomic():
        payment = _recorded(payment_id)
        if payment.authorisation_generation != generation:
            return payment  # renewed meanwhile: this answer belongs to an older generation
        return record_authorised(payment=payment, intent_id=intent.id, amount_minor=intent.amount)


def _record_error(payment_id: int, message: str, *, failed: bool = False) -> Payment:
    """Note what went wrong; a declined card fails the payment unless it moved on meanwhile."""
    with transaction.atomic():
        payment = _recorded(payment_id)
        if failed and payment.status == Payment.Status.PENDING:
            payment.status = Payment.Status.FAILED
        return _note_error(payment, message)


def _note_error(payment: Payment, message: str) -> Payment:
    payment.last_error = message[:500]
    payment.save()
    return payment


def record_authorised(*, payment: Payment, intent_id: str, amount_minor: int) -> Payment:
    """The authorisation happened (our call or a webhook): record it once."""
    if payment.status in (Payment.Status.PENDING, Payment.Status.FAILED):
        payment.status = Payment.Status.AUTHORISED
        payment.stripe_payment_intent_id = intent_id
        payment.authorised_minor = amount_minor
        payment.authorised_at = timezone.now()
        payment.last_error = ""
        payment.save()
    amount = payment.money(payment.authorised_minor)
    ledger.entry_post(
        key=f"payment:{payment.pk}:authorisation:{payment.authorisation_generation}",
        kind=JournalEntry.Kind.AUTHORISATION,
        payment=payment,
        lines=[
            (ledger.customer_holds(payment.booking.customer_id), amount),
            (ledger.PLATFORM_HOLDS, -amount),
        ],
        memo=f"booking #{payment.booking_id}",
    )
    return payment


# --- settle: capture or release ---------------------------------------------------------


def payment_settle(*, payment_id: int) -> Payment:
    """Capture what is due (completion or a late cancellation) and release the rest."""
    with transaction.atomic():
        payment = _locked(payment_id)
        due = payment.capture_due_minor
        if payment.mode != PaymentMode.ONLINE:
            return payment
        if due == 0 and payment.status == Payment.Status.PENDING:
            return _mark_released(payment)
    if due is None:
        return payment_authorise(payment_id=payment_id)
    if payment.status == Payment.Status.PENDING:
        payment = payment_authorise(payment_id=payment_id)
    with transaction.atomic():
        payment = _locked(payment_id)
        if payment.status != Payment.Status.AUTHORISED or not _claim(payment):
            return payment
        payment.save(update_fields=["in_flight_until", "updated_at"])
        due = payment.capture_due_minor
    if due == 0:
        return _cancel_intent(payment, "cancel")
    try:
        intent = gateway.call(
            "payment_intents",
            "capture",
            payment.stripe_payment_intent_id,
            idempotency_key=_idempotency_key(payment, "capture"),
            amount_to_capture=min(due, payment.authorised_minor),
        )
    except gateway.StripeUnavailable as error:
        return _record_error(payment_id, error.message)
    except Exception:
        _release(payment_id)
        raise
    with transaction.atomic():
        return record_captured(
            payment=_recorded(payment_id), amount_minor=gateway.amount_received(intent)
        )


def _cancel_intent(payment: Payment, operation: str, *, expired: bool = False) -> Payment:
    """Cancel the (claimed) authorisation at Stripe, then record the release."""
    try:
        gateway.call(
            "payment_intents",
            "cancel",
            payment.stripe_payment_intent_id,
            idempotency_key=_idempotency_key(
                payment, f"{operation}:{payment.authorisation_generation}"
            ),
        )
    except gateway.StripeUnavailable as error:
        return _record_error(payment.pk, error.message)
    except Exception:
        _release(payment.pk)
        raise
    with transaction.atomic():
        return record_released(payment=_recorded(payment.pk), expired=expired)


def record_captured(*, payment: Payment, amount_minor: int) -> Payment:
    """Stripe captured `amount_minor`: record the capture and the commission once."""
    if payment.status in (
        Payment.Status.AUTHORISED,
        Payment.Status.PENDING,
        Payment.Status.FAILED,
    ):
        payment.status = Payment.Status.CAPTURED
        payment.captured_minor = amount_minor
        payment.captured_at = timezone.now()
        payment.last_error = ""
        split = _split(payment)
        payment.commission_minor = split.commission.amount_minor
        payment.save()
        _publish_captured(payment)
    if payment.status not in (Payment.Status.CAPTURED, Payment.Status.REFUNDED):
        return payment  # released or paid offline: a stray capture report changes nothing
    split = _split(payment)
    held = payment.money(payment.authorised_minor)
    provider = payment.booking.provider_id
    ledger.entry_post(
        key=f"payment:{payment.pk}:capture",
        kind=JournalEntry.Kind.CAPTURE,
        payment=payment,
        lines=[
            (ledger.customer_holds(payment.booking.customer_id), -held),
            (ledger.PLATFORM_HOLDS, held),
            (ledger.STRIPE_BALANCE, split.captured),
            (ledger.provider_payable(provider), -split.provider_gross),
            (ledger.PLATFORM_FEES, -split.customer_fee),
        ],
        memo=f"booking #{payment.booking_id}",
    )
    _post_commission(payment, split.commission)
    return payment


def _publish_captured(payment: Payment) -> None:
    publish(
        PaymentCaptured(
            payment_id=payment.pk,
            booking_id=payment.booking_id,
            amount_minor=payment.captured_minor,
            currency=payment.currency,
        )
    )


def _split(payment: Payment):
    """What the capture holds for the provider (the price first) and as customer fee."""
    captured = payment.captured_minor
    gross = min(captured, payment.price_minor)
    return settle(
        provider_gross=payment.money(gross),
        fee=payment.money(captured - gross),
        commission_basis_points=payment.commission_basis_points,
        commission_fixed_minor=payment.commission_fixed_minor,
    )


def _post_commission(payment: Payment, commission: Money) -> None:
    ledger.entry_post(
        key=f"payment:{payment.pk}:commission",
        kind=JournalEntry.Kind.COMMISSION,
        payment=payment,
        lines=[
            (ledger.provider_payable(payment.booking.provider_id), commission),
            (ledger.PLATFORM_COMMISSION, -commission),
        ],
        memo=f"booking #{payment.booking_id}",
    )


def record_released(*, payment: Payment, expired: bool = False) -> Payment:
    """The authorisation is gone (we cancelled it, or it expired): release the hold once.

    An expired authorisation of a booking still due is renewed: a new generation, so the
    next authorisation has its own idempotency key and its own ledger entry.
    """
    generation = payment.authorisation_generation
    if payment.authorised_minor:
        held = payment.money(payment.authorised_minor)
        ledger.entry_post(
            key=f"payment:{payment.pk}:release:{generation}",
            kind=JournalEntry.Kind.RELEASE,
            payment=payment,
            lines=[
                (ledger.customer_holds(payment.booking.customer_id), -held),
                (ledger.PLATFORM_HOLDS, held),
            ],
            memo=f"booking #{payment.booking_id}",
        )
    if payment.status != Payment.Status.AUTHORISED:
        return payment
    if expired and payment.capture_due_minor is None:
        payment.status = Payment.Status.PENDING
        payment.authorisation_generation = generation + 1
        payment.authorised_minor = 0
        payment.save()
        _after_commit("billing.payment_authorise", payment)
        return payment
    return _mark_released(payment)


def _mark_released(payment: Payment) -> Payment:
    payment.status = Payment.Status.RELEASED
    payment.last_error = ""
    payment.save()
    return payment


def payment_renew_authorisation(*, payment_id: int) -> Payment:
    """Replace an authorisation about to expire with a fresh one."""
    with transaction.atomic():
        payment = _locked(payment_id)
        if (
            payment.status != Payment.Status.AUTHORISED
            or payment.capture_due_minor is not None
            or not _claim(payment)
        ):
            return payment
        payment.save(update_fields=["in_flight_until", "updated_at"])
    # record_released checks again under the lock: a capture that became due meanwhile
    # is not turned into a renewal.
    return _cancel_intent(payment, "renew", expired=True)


# --- offline and refunds -----------------------------------------------------------------


def offline_payment_record(*, payment: Payment) -> Payment:
    """The customer paid the provider on site: record it and the commission owed, once."""
    if payment.status == Payment.Status.OFFLINE:
        return payment  # recorded already (marked received, then the job completed)
    due = payment.money(payment.capture_due_minor or 0)
    if not due:
        return _mark_released(payment)
    payment.status = Payment.Status.OFFLINE
    payment.captured_minor = due.amount_minor
    payment.captured_at = timezone.now()
    split = _split(payment)
    payment.commission_minor = split.commission.amount_minor
    payment.save()
    provider = payment.booking.provider_id
    ledger.entry_post(
        key=f"payment:{payment.pk}:offline",
        kind=JournalEntry.Kind.OFFLINE_PAYMENT,
        payment=payment,
        lines=[
            (ledger.provider_collected(provider), due),
            (ledger.provider_payable(provider), -due),
        ],
        memo=f"booking #{payment.booking_id}, paid on site",
    )
    _post_commission(payment, split.commission)
    _publish_captured(payment)
    return payment


def payment_refund(
    *, payment: Payment, amount: Money, actor, reason: str, key: str = ""
) -> Payment:
    """Refund part or all of a captured payment (e.g. a dispute settled for the customer).

    `key` names this refund request (a form's token): the same key sent twice reaches
    Stripe under one idempotency key, so a double submit refunds once. Without it the
    key is the amount refunded so far, which only guards concurrent calls.
    """
    with transaction.atomic():
        payment = _locked(payment.pk)
        refundable = payment.captured_minor - payment.refunded_minor
        if payment.mode != PaymentMode.ONLINE or payment.status not in (
            Payment.Status.CAPTURED,
            Payment.Status.REFUNDED,
        ):
            raise Conflict(
                errors.NOT_REFUNDABLE,
                _("Only a captured online payment can be refunded."),
                extra={"status": payment.status},
            )
        if amount.currency != payment.currency or not 0 < amount.amount_minor <= refundable:
            raise ApplicationError.invalid_field(
                "amount",
                _("Refund between 0.01 and %(most)s.") % {"most": payment.money(refundable)},
            )
    refund = gateway.call(
        "refunds",
        "create",
        idempotency_key=_idempotency_key(
            payment, f"refund:{key}" if key else f"refund:{payment.refunded_minor}"
        ),
        payment_intent=payment.stripe_payment_intent_id,
        amount=amount.amount_minor,
        metadata={**_metadata(payment), "reason": reason[:200]},
    )
    with transaction.atomic():
        payment = _recorded(payment.pk)
        before = payment.refunded_minor
        payment = record_refunded(
            payment=payment,
            refund_id=refund.id,
            amount_minor=refund.amount,
            reason=reason,
        )
        if payment.refunded_minor > before:
            audit_record(
                actor=actor,
                action="payment.refund",
                subject=payment,
                before={"refunded_minor": before},
                after={"refunded_minor": payment.refunded_minor, "refund": refund.id},
                reason=reason,
            )
        return payment


def record_refunded(
    *, payment: Payment, refund_id: str, amount_minor: int, reason: str = ""
) -> Payment:
    """Stripe refunded `amount_minor`: the provider's earnings carry it (commission kept)."""
    amount = payment.money(amount_minor)
    ledger.entry_post(
        key=f"refund:{refund_id}",
        kind=JournalEntry.Kind.REFUND,
        payment=payment,
        lines=[
            (ledger.STRIPE_BALANCE, -amount),
            (ledger.provider_payable(payment.booking.provider_id), amount),
        ],
        memo=f"booking #{payment.booking_id}, refund {refund_id}"
        + (f": {reason}" if reason else ""),
    )
    refunded = sum(
        line.amount_minor
        for line in LedgerLine.objects.filter(
            entry__payment=payment,
            entry__kind=JournalEntry.Kind.REFUND,
            account=ledger.STRIPE_BALANCE,
        )
    )
    before = payment.refunded_minor
    payment.refunded_minor = -refunded
    if payment.refunded_minor >= payment.captured_minor:
        payment.status = Payment.Status.REFUNDED
    payment.save()
    if payment.refunded_minor > before:  # a replayed report of the same refund is no news
        publish(
            PaymentRefunded(
                payment_id=payment.pk,
                booking_id=payment.booking_id,
                amount_minor=amount_minor,
                currency=payment.currency,
                refund_id=refund_id,
            )
        )
    return payment


def payments_due_for_retry(*, now=None):
    """Payments a sweep should push again: pending, settling, or about to expire."""
    now = now or timezone.now()
    # A booking not yet confirmed is at its card step: the customer authorises it there,
    # in the browser; the sweep must not authorise it behind their back meanwhile.
    pending = Payment.objects.filter(
        mode=PaymentMode.ONLINE, status=Payment.Status.PENDING
    ).exclude(booking__status__in=NOT_YET_CONFIRMED)
    settling = Payment.objects.filter(
        mode=PaymentMode.ONLINE,
        status=Payment.Status.AUTHORISED,
        capture_due_minor__isnull=False,
    )
    expiring = Payment.objects.filter(
        mode=PaymentMode.ONLINE,
        status=Payment.Status.AUTHORISED,
        capture_due_minor__isnull=True,
        authorised_at__lt=now - AUTHORISATION_RENEW_AFTER,
    )
    return pending, settling, expiring
