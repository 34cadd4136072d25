"""Payouts: providers' earnings transferred to their Connect accounts, on schedule.

We charge on the platform account and pay providers by transfer ("separate charges and
transfers"), not by destination charges: payouts are batched per schedule and minimum,
a late-cancellation fee or a refund after completion simply adjusts what is owed, and a
provider can take bookings before finishing onboarding.
"""

from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from quartier.billing import gateway, ledger
from quartier.billing.events import PayoutSent
from quartier.billing.models import ConnectedAccount, JournalEntry, Payout, PayoutInterval
from quartier.billing.services.settings import payout_settings_get
from quartier.marketplace.models import MarketplaceSettings
from quartier.platform.events import publish
from quartier.platform.money import Money


def payouts_due(*, now=None) -> bool:
    """Whether today is a payout day under the tenant's schedule (its own time zone)."""
    interval = payout_settings_get().payout_interval
    zone = ZoneInfo(MarketplaceSettings.objects.values_list("time_zone", flat=True).first())
    today = (now or timezone.now()).astimezone(zone).date()
    if interval == PayoutInterval.WEEKLY:
        return today.weekday() == 0
    if interval == PayoutInterval.MONTHLY:
        return today.day == 1
    return True


def payouts_run(*, now=None, force: bool = False) -> list[Payout]:
    """Pay every onboarded provider owed at least the minimum; resumes unfinished ones."""
    if not force and not payouts_due(now=now):
        return []
    accounts = ConnectedAccount.objects.filter(payouts_enabled=True).select_related("provider")
    return [payout for account in accounts if (payout := payout_provider(account=account))]


def payout_provider(*, account: ConnectedAccount) -> Payout | None:
    """Transfer what the provider is owed: claim (txn) -> transfer (none open) -> record."""
    with transaction.atomic():
        payout = _payout_claim(account)
    if payout is None:
        return None
    try:
        transfer = gateway.call(
            "transfers",
            "create",
            idempotency_key=f"{connection.schema_name}:payout:{payout.pk}",
            amount=payout.amount_minor,
            currency=payout.currency.lower(),
            destination=account.stripe_account_id,
            metadata={"tenant": connection.schema_name, "payout": str(payout.pk)},
        )
    except gateway.StripeUnavailable as error:
        with transaction.atomic():
            payout = Payout.objects.select_for_update().get(pk=payout.pk)
            payout.last_error = error.message[:500]
            payout.save()
        return payout
    with transaction.atomic():
        return record_paid(
            payout=Payout.objects.select_for_update().get(pk=payout.pk), transfer_id=transfer.id
        )


def _payout_claim(account: ConnectedAccount) -> Payout | None:
    """The provider's unfinished payout, or a new one for what they are owed now.

    The pending Payout row is what a later run resumes; its id keys the transfer, so a
    second run (or a retry after a lost answer) never pays twice.
    """
    payout_settings = payout_settings_get()
    currency = payout_settings.currency
    provider = account.provider
    # Serialise runs for one provider: the balance read and the payout go together.
    ConnectedAccount.objects.select_for_update().get(pk=account.pk)
    payout = Payout.objects.filter(provider=provider, status=Payout.Status.PENDING).first()
    if payout is None:
        balance = ledger.account_balances(prefix=ledger.provider_payable(provider.pk))
        owed = -balance.get((ledger.provider_payable(provider.pk), currency), 0)
        if owed < max(payout_settings.payout_minimum_minor, 1):
            return None
        payout = Payout.objects.create(provider=provider, amount_minor=owed, currency=currency)
    return payout


def record_paid(*, payout: Payout, transfer_id: str) -> Payout:
    """The transfer exists (our call or the webhook): mark paid and post it once."""
    if payout.status == Payout.Status.PENDING:
        payout.status = Payout.Status.PAID
        payout.stripe_transfer_id = transfer_id
        payout.paid_at = timezone.now()
        payout.last_error = ""
        payout.save()
        # Our call and Stripe's webhook both record the transfer: only the first tells.
        publish(
            PayoutSent(
                payout_id=payout.pk,
                provider_id=payout.provider_id,
                amount_minor=payout.amount_minor,
                currency=payout.currency,
            )
        )
    amount = Money(payout.amount_minor, payout.currency)
    ledger.entry_post(
        key=f"payout:{payout.pk}",
        kind=JournalEntry.Kind.PAYOUT,
        payout=payout,
        lines=[
            (ledger.provider_payable(payout.provider_id), amount),
            (ledger.STRIPE_BALANCE, -amount),
        ],
        memo=f"transfer {transfer_id}",
    )
    return payout
