"""A helper's earnings, read from the billing ledger and its payments and payouts.

The figures are the ledger's: what the helper is owed is their party balance (payable
plus cash collected, see billing.models.LedgerLine), so a cash job's commission shows
as owed to the marketplace and nets against card earnings.
"""

from dataclasses import dataclass

from django.db.models import Sum

from quartier.billing import ledger
from quartier.billing.fees import commission
from quartier.billing.models import ConnectedAccount, Payment, PaymentMode, Payout
from quartier.billing.services.settings import payout_settings_get
from quartier.marketplace.selectors import marketplace_settings
from quartier.platform.money import Money
from quartier.providers.models import ProviderProfile

# Card payments whose money is not captured yet: the job is still to be done.
UPCOMING = (Payment.Status.PENDING, Payment.Status.AUTHORISED)
SETTLED = (Payment.Status.CAPTURED, Payment.Status.REFUNDED, Payment.Status.OFFLINE)


@dataclass(frozen=True)
class Earnings:
    pending: Money  # card jobs booked, paid once done (before commission)
    available: Money  # owed to the helper and not on its way yet
    on_its_way: Money  # a payout started and not confirmed yet
    paid_out: Money
    commission_owed: Money  # cash jobs: the commission the helper owes the marketplace


@dataclass(frozen=True)
class EarningRow:
    payment: Payment
    gross: Money
    commission: Money
    net: Money
    is_cash: bool
    settled: bool


def _party_balance(provider: ProviderProfile, currency: str) -> int:
    """Debit positive: above zero the helper owes the marketplace, below it is owed."""
    accounts = (ledger.provider_payable(provider.pk), ledger.provider_collected(provider.pk))
    balances = ledger.account_balances(prefix=f"provider:{provider.pk}:")
    return sum(balances.get((account, currency), 0) for account in accounts)


def earnings_of(provider: ProviderProfile) -> Earnings:
    currency = marketplace_settings().currency
    payments = Payment.objects.filter(booking__provider=provider, currency=currency)
    pending = (
        payments.filter(mode=PaymentMode.ONLINE, status__in=UPCOMING).aggregate(
            total=Sum("price_minor")
        )["total"]
        or 0
    )
    payouts = Payout.objects.filter(provider=provider, currency=currency)
    paid_out = payouts.filter(status=Payout.Status.PAID).aggregate(total=Sum("amount_minor"))
    on_its_way = payouts.filter(status=Payout.Status.PENDING).aggregate(total=Sum("amount_minor"))
    balance = _party_balance(provider, currency)
    owed = max(0, -balance)
    travelling = on_its_way["total"] or 0
    return Earnings(
        pending=Money(pending, currency),
        available=Money(max(0, owed - travelling), currency),
        on_its_way=Money(travelling, currency),
        paid_out=Money(paid_out["total"] or 0, currency),
        commission_owed=Money(max(0, balance), currency),
    )


def earning_rows(provider: ProviderProfile, *, limit: int = 100) -> list[EarningRow]:
    """Per booking: the price, the commission and what the helper keeps."""
    rows = []
    payments = (
        Payment.objects.filter(booking__provider=provider)
        .exclude(status__in=(Payment.Status.RELEASED, Payment.Status.FAILED))
        .select_related("booking", "booking__listing", "booking__category")
        .order_by("-created_at", "-id")[:limit]
    )
    for payment in payments:
        settled = payment.status in SETTLED
        gross = min(payment.captured_minor, payment.price_minor) if settled else payment.price_minor
        cut = payment.commission_minor if settled else _expected_commission(payment)
        refunded = payment.refunded_minor if settled else 0
        rows.append(
            EarningRow(
                payment=payment,
                gross=payment.money(gross),
                commission=payment.money(cut),
                net=payment.money(gross - cut - refunded),
                is_cash=payment.mode == PaymentMode.OFFLINE,
                settled=settled,
            )
        )
    return rows


def _expected_commission(payment: Payment) -> int:
    """The cut billing will take at capture (the same fees.commission rule)."""
    return commission(
        payment.money(payment.price_minor),
        basis_points=payment.commission_basis_points,
        fixed_minor=payment.commission_fixed_minor,
    ).amount_minor


def payouts_of(provider: ProviderProfile, *, limit: int = 50) -> list[tuple[Payout, Money]]:
    payouts = Payout.objects.filter(provider=provider).order_by("-created_at", "-id")[:limit]
    return [(payout, Money(payout.amount_minor, payout.currency)) for payout in payouts]


def payouts_used() -> bool:
    """Card payments are paid out to helpers; a cash-only marketplace pays out nothing."""
    return payout_settings_get().payment_mode == PaymentMode.ONLINE


def payout_setup_needed(provider: ProviderProfile) -> bool:
    """The helper's next money step: card payments here, and no payout account ready."""
    return (
        payouts_used()
        and not ConnectedAccount.objects.filter(provider=provider, payouts_enabled=True).exists()
    )
