"""Events the billing app publishes (see quartier.platform.events)."""

import dataclasses

from quartier.platform.events import DomainEvent


@dataclasses.dataclass(frozen=True, kw_only=True)
class PaymentCaptured(DomainEvent):
    """Money was taken from the customer (online capture or on-site payment recorded)."""

    name = "payment.captured"
    payment_id: int
    booking_id: int
    amount_minor: int
    currency: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class PaymentRefunded(DomainEvent):
    """Part or all of a captured payment went back to the customer."""

    name = "payment.refunded"
    payment_id: int
    booking_id: int
    amount_minor: int
    currency: str
    refund_id: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class PayoutSent(DomainEvent):
    """A provider's payout was transferred (published once, when it is marked paid)."""

    name = "payout.sent"
    payout_id: int
    provider_id: int
    amount_minor: int
    currency: str
