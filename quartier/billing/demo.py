"""Payments for the demo's booking history (`make demo`).

The bookings app writes the demo's past jobs in bulk (quartier.bookings.demo); here
each completed booking without a payment gets what the lifecycle would have left on a
marketplace paid on site: the payment, paid offline at the job's end, and its two
ledger entries (the cash the provider collected, the commission they owe) under the
same keys offline_payment_record posts them with. Bulk, because one by one it costs
~20 queries a job.
"""

from django.db import transaction

from quartier.billing import ledger
from quartier.billing.fees import FeeTerms
from quartier.billing.models import JournalEntry, LedgerLine, Payment, PaymentMode
from quartier.billing.services.payments import _split
from quartier.billing.services.settings import payout_settings_get
from quartier.bookings.models import Booking


@transaction.atomic
def settle_demo_history() -> int:
    """Pay the completed bookings that have no payment yet; returns how many."""
    settings = payout_settings_get()
    if settings.payment_mode != PaymentMode.OFFLINE:
        return 0  # an online history would need Stripe's captures: not made up
    terms = FeeTerms.of(settings)
    bookings = list(
        Booking.objects.filter(
            status=Booking.Status.COMPLETED, payment__isnull=True, price_amount_minor__isnull=False
        ).order_by("pk")
    )
    payments = []
    for booking in bookings:
        payment = Payment(
            booking=booking,
            mode=PaymentMode.OFFLINE,
            status=Payment.Status.OFFLINE,
            currency=booking.price_currency,
            price_minor=booking.price_amount_minor,
            commission_basis_points=terms.commission_basis_points,
            commission_fixed_minor=terms.commission_fixed_minor,
            vat_basis_points=settings.vat_basis_points,
            capture_due_minor=booking.price_amount_minor,
            captured_minor=booking.price_amount_minor,
            captured_at=booking.completed_at,
        )
        payment.commission_minor = _split(payment).commission.amount_minor
        payments.append(payment)
    payments = Payment.objects.bulk_create(payments, batch_size=500)
    _post(payments)
    return len(payments)


def _post(payments: list[Payment]) -> None:
    """The entries offline_payment_record posts: collected on site, commission owed."""
    entries, lines = [], []
    for payment in payments:
        provider = payment.booking.provider_id
        due = payment.money(payment.captured_minor)
        commission = _split(payment).commission
        memo = f"booking #{payment.booking_id}"
        postings = [
            (
                f"payment:{payment.pk}:offline",
                JournalEntry.Kind.OFFLINE_PAYMENT,
                f"{memo}, paid on site",
                [
                    (ledger.provider_collected(provider), due),
                    (ledger.provider_payable(provider), -due),
                ],
            ),
            (
                f"payment:{payment.pk}:commission",
                JournalEntry.Kind.COMMISSION,
                memo,
                [
                    (ledger.provider_payable(provider), commission),
                    (ledger.PLATFORM_COMMISSION, -commission),
                ],
            ),
        ]
        for key, kind, text, movement in postings:
            entry = JournalEntry(key=key, kind=kind, payment=payment, memo=text[:200])
            entries.append(entry)
            lines.append((entry, [(account, amount) for account, amount in movement if amount]))
    JournalEntry.objects.bulk_create(entries, batch_size=500)
    LedgerLine.objects.bulk_create(
        [
            LedgerLine(
                entry=entry,
                account=account,
                amount_minor=amount.amount_minor,
                currency=amount.currency,
            )
            for entry, movement in lines
            for account, amount in movement
        ],
        batch_size=1000,
    )
