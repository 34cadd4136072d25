"""Property tests: for any price, fees and refunds, every entry and every ledger sums to zero."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quartier.billing import ledger
from quartier.billing.fees import FeeTerms, cancellation_charge, customer_fee, settle
from quartier.billing.models import JournalEntry, LedgerLine, Payment, Payout
from quartier.billing.services import payments
from quartier.billing.services.payouts import record_paid
from quartier.bookings.models import Booking
from quartier.platform.money import Money
from tests.catalog.factories import category, make_provider

prices = st.integers(min_value=1, max_value=10_000_000)
terms = st.builds(
    FeeTerms,
    commission_basis_points=st.integers(0, 9999),
    commission_fixed_minor=st.integers(0, 10_000),
    customer_fee_basis_points=st.integers(0, 10_000),
    customer_fee_fixed_minor=st.integers(0, 10_000),
    free_cancellation_hours=st.integers(0, 720),
    late_cancellation_basis_points=st.integers(0, 10_000),
)
scenarios = st.sampled_from(
    ["complete", "late_cancel", "free_cancel", "provider_cancel", "offline"]
)
DB_EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@given(price=prices, fee_terms=terms, hours_before=st.integers(0, 1000), by_provider=st.booleans())
def test_fees_are_exact_integers_that_add_up(price, fee_terms, hours_before, by_provider):
    price = Money(price, "CHF")
    starts_at = timezone.now() + timedelta(hours=hours_before)

    fee = customer_fee(price, fee_terms)
    charge = cancellation_charge(
        price, fee_terms, starts_at=starts_at, cancelled_at=timezone.now(), by_provider=by_provider
    )
    split = settle(
        provider_gross=price,
        fee=fee,
        commission_basis_points=fee_terms.commission_basis_points,
        commission_fixed_minor=fee_terms.commission_fixed_minor,
    )

    for amount in (fee, charge, split.captured, split.commission, split.provider_net):
        assert type(amount.amount_minor) is int
        assert amount.amount_minor >= 0
    assert charge <= price
    assert split.captured == price + fee
    assert split.provider_net + split.commission == price
    if by_provider:
        assert not charge


def _booking(provider, customer, price_minor: int) -> Booking:
    return Booking.objects.create(
        kind=Booking.Kind.SLOT,
        status=Booking.Status.CONFIRMED,
        customer=customer,
        provider=provider,
        category=category(),
        duration_minutes=60,
        price_amount_minor=price_minor,
    )


def _payment(booking, fee_terms: FeeTerms, *, online: bool) -> Payment:
    price = booking.price
    return Payment.objects.create(
        booking=booking,
        mode="online" if online else "offline",
        currency="CHF",
        price_minor=price.amount_minor,
        customer_fee_minor=customer_fee(price, fee_terms).amount_minor if online else 0,
        commission_basis_points=fee_terms.commission_basis_points,
        commission_fixed_minor=fee_terms.commission_fixed_minor,
    )


def _run(payment: Payment, scenario: str, fee_terms: FeeTerms, refund_shares: list[int]) -> None:
    if scenario == "offline":
        payment.capture_due_minor = payment.price_minor
        payments.offline_payment_record(payment=payment)
        return
    payments.record_authorised(
        payment=payment, intent_id=f"pi_{payment.pk}", amount_minor=payment.total.amount_minor
    )
    if scenario in ("free_cancel", "provider_cancel"):
        payments.record_released(payment=payment)
        return
    due = payment.total
    if scenario == "late_cancel":
        due = payment.money(payment.price_minor).basis_points(
            fee_terms.late_cancellation_basis_points
        )
    if not due:
        payments.record_released(payment=payment)
        return
    payments.record_captured(payment=payment, amount_minor=due.amount_minor)
    for number, share in enumerate(refund_shares):
        left = payment.captured_minor - payment.refunded_minor
        amount = left * share // 100
        if amount:
            payments.record_refunded(
                payment=payment, refund_id=f"re_{payment.pk}_{number}", amount_minor=amount
            )


def _pay_out(provider) -> None:
    account = ledger.provider_payable(provider.pk)
    owed = -ledger.account_balances(prefix=account).get((account, "CHF"), 0)
    if owed > 0:
        payout = Payout.objects.create(provider=provider, amount_minor=owed, currency="CHF")
        record_paid(payout=payout, transfer_id=f"tr_{payout.pk}")


@pytest.fixture
def parties(tenant_a):
    with tenant_a.context():
        yield make_provider(user=tenant_a.users["provider"]), tenant_a.users["customer"]


@DB_EXAMPLES
@given(
    price=prices,
    fee_terms=terms,
    scenario=scenarios,
    refund_shares=st.lists(st.integers(1, 100), max_size=3),
    paid_out=st.booleans(),
)
def test_every_ledger_sums_to_zero_and_holds_only_integers(
    tenant_a, parties, price, fee_terms, scenario, refund_shares, paid_out
):
    provider, customer = parties
    with tenant_a.context():
        booking = _booking(provider, customer, price)
        payment = _payment(booking, fee_terms, online=scenario != "offline")

        _run(payment, scenario, fee_terms, refund_shares)
        if paid_out:
            _pay_out(provider)

        for entry in JournalEntry.objects.filter(payment=payment).prefetch_related("lines"):
            assert sum(line.amount_minor for line in entry.lines.all()) == 0, entry.key
        assert set(ledger.trial_balance().values()) <= {0}
        assert sum(ledger.party_balances().values()) == 0
        amounts = LedgerLine.objects.values_list("amount_minor", flat=True)
        assert all(type(amount) is int for amount in amounts)
        payment.refresh_from_db()
        assert payment.captured_minor <= max(payment.authorised_minor, payment.price_minor)
        assert 0 <= payment.refunded_minor <= payment.captured_minor
        assert 0 <= payment.commission_minor <= payment.captured_minor


def _post_half_an_entry() -> None:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        entry = JournalEntry.objects.create(key="broken", kind="capture")
        LedgerLine.objects.create(
            entry=entry, account=ledger.STRIPE_BALANCE, amount_minor=100, currency="CHF"
        )


def test_the_database_refuses_an_unbalanced_entry(tenant_a):
    with tenant_a.context(), pytest.raises(DatabaseError, match="does not balance"):
        _post_half_an_entry()


def test_posted_lines_can_never_change(tenant_a):
    with tenant_a.context():
        entry = ledger.entry_post(
            key="fixed",
            kind="capture",
            lines=[
                (ledger.STRIPE_BALANCE, Money(100, "CHF")),
                (ledger.PLATFORM_FEES, Money(-100, "CHF")),
            ],
        )
        for change in (
            lambda: LedgerLine.objects.filter(entry=entry).update(amount_minor=1),
            lambda: LedgerLine.objects.filter(entry=entry).delete(),
            lambda: JournalEntry.objects.filter(pk=entry.pk).update(memo="rewritten"),
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                change()


def test_posting_refuses_floats_and_unbalanced_lines(tenant_a):
    with tenant_a.context():
        with pytest.raises(TypeError):
            Money(10.5, "CHF")
        with pytest.raises(ValueError, match="does not balance"):
            ledger.entry_post(
                key="odd", kind="capture", lines=[(ledger.STRIPE_BALANCE, Money(1, "CHF"))]
            )
        assert not JournalEntry.objects.filter(key="odd").exists()
