"""What each party pays and earns, computed exactly from a price and the tenant's terms.

Pure functions of Money and integers: no database, no float. The ledger and the
payments services both call these, and the property tests drive them with random input.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from quartier.platform.money import Money


@dataclass(frozen=True)
class FeeTerms:
    commission_basis_points: int = 0
    commission_fixed_minor: int = 0
    customer_fee_basis_points: int = 0
    customer_fee_fixed_minor: int = 0
    free_cancellation_hours: int = 24
    late_cancellation_basis_points: int = 0

    @classmethod
    def of(cls, payout_settings) -> "FeeTerms":
        return cls(**{name: getattr(payout_settings, name) for name in cls.__dataclass_fields__})


def customer_fee(price: Money, terms: FeeTerms) -> Money:
    """The service fee the customer pays on top of the price."""
    if not price:
        return Money.zero(price.currency)
    return price.basis_points(terms.customer_fee_basis_points) + Money(
        terms.customer_fee_fixed_minor, price.currency
    )


def commission(earned: Money, *, basis_points: int, fixed_minor: int) -> Money:
    """The platform's cut of what the provider earned; never more than the earning."""
    if not earned or earned.is_negative:
        return Money.zero(earned.currency)
    cut = earned.basis_points(basis_points) + Money(fixed_minor, earned.currency)
    return min(cut, earned)


def cancellation_charge(
    price: Money,
    terms: FeeTerms,
    *,
    starts_at: datetime | None,
    cancelled_at: datetime,
    by_provider: bool,
) -> Money:
    """What a cancellation costs the customer (of the price only; the fee is not charged).

    Free when the provider cancels, when no time was fixed yet, or when the customer
    cancels at least `free_cancellation_hours` before the start.
    """
    if by_provider or starts_at is None:
        return Money.zero(price.currency)
    if starts_at - cancelled_at >= timedelta(hours=terms.free_cancellation_hours):
        return Money.zero(price.currency)
    return price.basis_points(terms.late_cancellation_basis_points)


@dataclass(frozen=True)
class Settlement:
    """How a captured amount splits: provider's part, the customer fee, the commission."""

    captured: Money
    provider_gross: Money
    customer_fee: Money
    commission: Money

    @property
    def provider_net(self) -> Money:
        return self.provider_gross - self.commission


def settle(
    *, provider_gross: Money, fee: Money, commission_basis_points: int, commission_fixed_minor: int
) -> Settlement:
    cut = commission(
        provider_gross, basis_points=commission_basis_points, fixed_minor=commission_fixed_minor
    )
    return Settlement(
        captured=provider_gross + fee,
        provider_gross=provider_gross,
        customer_fee=fee,
        commission=cut,
    )
