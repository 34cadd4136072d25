"""Billing reads: payments a user may see, statements and reports per period."""

import csv
import io
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.billing.models import Payment, Payout
from quartier.platform.errors import ApplicationError, NotFound
from quartier.platform.money import Money
from quartier.platform.params import parse_date

SETTLED = (Payment.Status.CAPTURED, Payment.Status.REFUNDED, Payment.Status.OFFLINE)


def payments_for_user(*, user) -> QuerySet[Payment]:
    """Admins see every payment; providers and customers those of their own bookings."""
    payments = Payment.objects.select_related(
        "booking", "booking__listing", "booking__provider", "booking__customer"
    )
    if user.is_tenant_admin:
        return payments
    return payments.filter(Q(booking__customer=user) | Q(booking__provider__user=user))


def payment_get_for_user(*, user, payment_id: int) -> Payment:
    payment = payments_for_user(user=user).filter(pk=payment_id).first()
    if payment is None:
        raise NotFound(_("No such payment."))
    return payment


def period_parse(start: str | None, end: str | None) -> tuple[datetime, datetime]:
    """`start` and `end` as YYYY-MM-DD, both included; default: the current month."""
    today = timezone.localdate()
    first = _date("start", start) if start else today.replace(day=1)
    last = _date("end", end) if end else today
    if last < first:
        raise ApplicationError.invalid_field("end", _("The end must not be before the start."))
    if (last - first).days > 366:
        raise ApplicationError.invalid_field("end", _("Choose a period of at most a year."))
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(first, time.min, tzinfo=zone),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone),
    )


def _date(field: str, text: str) -> date:
    return parse_date(text, field=field)


def _settled_between(start: datetime, end: datetime) -> QuerySet[Payment]:
    return (
        Payment.objects.filter(status__in=SETTLED, captured_at__gte=start, captured_at__lt=end)
        .select_related("booking", "booking__listing", "booking__provider")
        .order_by("captured_at", "id")
    )


def _amount(payment: Payment, minor: int) -> str:
    return f"{Money(minor, payment.currency).as_decimal()}"


def earnings_statement_csv(*, provider, start: datetime, end: datetime) -> str:
    """One provider's earnings and payouts in the period, as CSV."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["date", "type", "booking", "listing", "currency", "gross", "commission", "refunded", "net"]
    )
    for payment in _settled_between(start, end).filter(booking__provider=provider):
        gross = min(payment.captured_minor, payment.price_minor)
        net = gross - payment.commission_minor - payment.refunded_minor
        writer.writerow(
            [
                timezone.localtime(payment.captured_at).date().isoformat(),
                "offline" if payment.mode == "offline" else "earning",
                payment.booking_id,
                payment.booking.listing.title if payment.booking.listing else "",
                payment.currency,
                _amount(payment, gross),
                _amount(payment, payment.commission_minor),
                _amount(payment, payment.refunded_minor),
                _amount(payment, net),
            ]
        )
    payouts = Payout.objects.filter(
        provider=provider, status=Payout.Status.PAID, paid_at__gte=start, paid_at__lt=end
    ).order_by("paid_at", "id")
    for payout in payouts:
        amount = Money(payout.amount_minor, payout.currency).as_decimal()
        writer.writerow(
            [
                timezone.localtime(payout.paid_at).date().isoformat(),
                "payout",
                "",
                "",
                payout.currency,
                "",
                "",
                "",
                f"-{amount}",
            ]
        )
    return out.getvalue()


def commission_report_csv(*, start: datetime, end: datetime) -> str:
    """The tenant's commission and customer fees per settled booking, with totals."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "date",
            "booking",
            "provider",
            "mode",
            "currency",
            "captured",
            "commission",
            "customer_fee",
        ]
    )
    totals: dict[str, list[int]] = {}
    for payment in _settled_between(start, end):
        fee = max(payment.captured_minor - payment.price_minor, 0)
        writer.writerow(
            [
                timezone.localtime(payment.captured_at).date().isoformat(),
                payment.booking_id,
                payment.booking.provider.display_name,
                payment.mode,
                payment.currency,
                _amount(payment, payment.captured_minor),
                _amount(payment, payment.commission_minor),
                _amount(payment, fee),
            ]
        )
        sums = totals.setdefault(payment.currency, [0, 0, 0])
        sums[0] += payment.captured_minor
        sums[1] += payment.commission_minor
        sums[2] += fee
    for currency, (captured, commission, fee) in sorted(totals.items()):
        writer.writerow(
            ["total", "", "", "", currency]
            + [str(Money(value, currency).as_decimal()) for value in (captured, commission, fee)]
        )
    return out.getvalue()


def payments_for_back_office(
    *,
    status: str = "",
    provider_id: int | None = None,
    email: str = "",
    start: date | None = None,
    end: date | None = None,
) -> QuerySet[Payment]:
    """The tenant's payments for its admins, newest first, filtered as the list asks:
    a status, a helper, part of the customer's e-mail, a period of days (both included)."""
    payments = Payment.objects.select_related(
        "booking__customer", "booking__provider", "booking__listing"
    ).order_by("-created_at", "-id")
    if status:
        payments = payments.filter(status=status)
    if provider_id:
        payments = payments.filter(booking__provider_id=provider_id)
    if email:
        payments = payments.filter(booking__customer__email__icontains=email.strip())
    zone = timezone.get_current_timezone()
    if start:
        payments = payments.filter(created_at__gte=datetime.combine(start, time.min, tzinfo=zone))
    if end:
        after = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
        payments = payments.filter(created_at__lt=after)
    return payments


def payment_get_for_admin(*, payment_id: int) -> Payment:
    payment = (
        Payment.objects.select_related(
            "booking__customer", "booking__provider__user", "booking__listing"
        )
        .filter(pk=payment_id)
        .first()
    )
    if payment is None:
        raise NotFound(_("No such payment."))
    return payment


def payment_entries(payment: Payment):
    """The payment's journal entries with their ledger lines, oldest first."""
    return payment.entries.prefetch_related("lines").order_by("created_at", "id")
