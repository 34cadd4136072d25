"""Cash paid on site: the provider marks it received on the booking page.

Marking records the on-site payment and the commission the provider owes through
`offline_payment_record` (the same posting a completed cash job gets); completing the
job afterwards finds it recorded and changes nothing, and so does marking twice.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from quartier.billing import errors
from quartier.billing.models import Payment, PaymentMode
from quartier.billing.services.payments import offline_payment_record
from quartier.billing.services.settings import payout_settings_get
from quartier.bookings.models import Booking, BookingStatus
from quartier.platform.errors import Conflict, NotFound
from quartier.platform.money import Money

# The job is agreed (the payment is open from confirmation) or done.
MARKABLE = (BookingStatus.CONFIRMED, BookingStatus.COMPLETED)
# Before confirmation there is no payment yet, but the customer is told what to bring.
ANNOUNCED = (BookingStatus.REQUESTED, BookingStatus.ACCEPTED, *MARKABLE)


@dataclass(frozen=True)
class CashDue:
    """What the booking page says about paying on site."""

    amount: Money
    received: bool
    received_at: object  # datetime or None
    can_mark: bool  # the viewer is the provider and may mark it received now


def cash_due_of(*, booking: Booking, user) -> CashDue | None:
    """Cash to pay on site for this booking, or None when it is paid another way."""
    if booking.price is None or booking.status not in ANNOUNCED:
        return None
    payment = Payment.objects.filter(booking=booking).first()
    mode = payment.mode if payment else payout_settings_get().payment_mode
    if mode != PaymentMode.OFFLINE:
        return None
    received = payment is not None and payment.status == Payment.Status.OFFLINE
    if payment is not None and payment.status not in (
        Payment.Status.PENDING,
        Payment.Status.OFFLINE,
    ):
        return None  # released: nothing is owed any more
    amount = payment.money(payment.captured_minor) if received else booking.price
    is_provider = booking.provider is not None and booking.provider.user_id == user.pk
    return CashDue(
        amount=amount,
        received=received,
        received_at=payment.captured_at if received else None,
        can_mark=is_provider and not received and booking.status in MARKABLE,
    )


def cash_received_mark(*, booking_id: int, user) -> Payment:
    """The provider got the cash: record the payment and the commission owed, once.

    Only the booking's provider may; anyone else gets a 404, as if there were no such
    booking. A repeated mark (a double click, a replayed form) returns the same payment.
    """
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("provider")
            .filter(pk=booking_id, provider__user=user)
            .first()
        )
        if booking is None:
            raise NotFound(_("No such booking."))
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("booking")
            .filter(booking=booking)
            .first()
        )
        if payment is not None and payment.status == Payment.Status.OFFLINE:
            return payment
        if (
            payment is None
            or payment.mode != PaymentMode.OFFLINE
            or payment.status != Payment.Status.PENDING
            or booking.status not in MARKABLE
        ):
            raise Conflict(
                errors.CASH_NOT_DUE,
                _("Cash can be marked received once the booking is confirmed."),
            )
        if payment.capture_due_minor is None:
            payment.capture_due_minor = payment.price_minor + payment.customer_fee_minor
        return offline_payment_record(payment=payment)
