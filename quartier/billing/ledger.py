"""The double-entry ledger: post a movement once, read balances.

A posting is keyed: the same money movement reported twice (by our own call and by a
webhook, or by a webhook delivered three times) writes one entry. Lines are signed minor
units, debit positive, and sum to zero per currency; the database refuses an entry that
does not (a deferred constraint trigger) and any change to a posted one.
"""

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Sum

from quartier.billing.models import JournalEntry, LedgerLine
from quartier.platform.money import Money

STRIPE_BALANCE = "stripe:balance"
PLATFORM_COMMISSION = "platform:commission"
PLATFORM_FEES = "platform:fees"
PLATFORM_HOLDS = "platform:holds"


def provider_payable(provider_id: int) -> str:
    return f"provider:{provider_id}:payable"


def provider_collected(provider_id: int) -> str:
    return f"provider:{provider_id}:collected"


def customer_holds(user_id: int) -> str:
    return f"customer:{user_id}:holds"


def party_of(account: str) -> str:
    """`provider:7:payable` -> `provider:7`; `platform:fees` -> `platform`."""
    parts = account.split(":")
    return ":".join(parts[:2]) if parts[0] in ("provider", "customer") else parts[0]


def entry_post(
    *, key: str, kind: str, lines: list[tuple[str, Money]], payment=None, payout=None, memo=""
) -> JournalEntry:
    """Post a balanced entry under `key`, or return the one already posted under it."""
    lines = [(account, amount) for account, amount in lines if amount]
    _check_balanced(key, lines)
    existing = JournalEntry.objects.filter(key=key).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            entry = JournalEntry.objects.create(
                key=key, kind=kind, payment=payment, payout=payout, memo=memo[:200]
            )
            LedgerLine.objects.bulk_create(
                LedgerLine(
                    entry=entry,
                    account=account,
                    amount_minor=amount.amount_minor,
                    currency=amount.currency,
                )
                for account, amount in lines
            )
    except IntegrityError:
        # A concurrent delivery of the same movement won the race: one entry stands.
        return JournalEntry.objects.get(key=key)
    return entry


def _check_balanced(key: str, lines: list[tuple[str, Money]]) -> None:
    totals: dict[str, int] = defaultdict(int)
    for _account, amount in lines:
        if not isinstance(amount, Money):
            raise TypeError(f"ledger amounts are Money, got {amount!r}")
        totals[amount.currency] += amount.amount_minor
    unbalanced = {currency: total for currency, total in totals.items() if total}
    if unbalanced:
        raise ValueError(f"journal entry {key} does not balance: {unbalanced}")


def account_balances(*, prefix: str = "") -> dict[tuple[str, str], int]:
    """(account, currency) -> balance in minor units."""
    lines = LedgerLine.objects.all()
    if prefix:
        lines = lines.filter(account__startswith=prefix)
    rows = lines.values("account", "currency").annotate(total=Sum("amount_minor"))
    return {(row["account"], row["currency"]): row["total"] for row in rows}


def party_balances() -> dict[tuple[str, str], int]:
    """(party, currency) -> balance: each provider, each customer, the platform, Stripe."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for (account, currency), total in account_balances().items():
        totals[(party_of(account), currency)] += total
    return dict(totals)


def trial_balance() -> dict[str, int]:
    """currency -> sum of every line; zero in a sound ledger."""
    rows = LedgerLine.objects.values("currency").annotate(total=Sum("amount_minor"))
    return {row["currency"]: row["total"] for row in rows}
