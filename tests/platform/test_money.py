import pytest
from hypothesis import given
from hypothesis import strategies as st

from quartier.platform.errors import ApplicationError
from quartier.platform.money import Money


def test_money_refuses_floats_and_unknown_currencies():
    with pytest.raises(TypeError):
        Money(60.0, "CHF")
    with pytest.raises(TypeError):
        Money(True, "CHF")
    with pytest.raises(ApplicationError) as raised:
        Money(100, "USD")
    assert raised.value.code == "unknown_currency"


def test_parsing_is_exact():
    assert Money.parse("60.05", "CHF") == Money(6005, "CHF")
    assert Money.parse("0.1", "EUR") + Money.parse("0.2", "EUR") == Money.parse("0.3", "EUR")
    for bad in ["60.055", "abc", "NaN", "Infinity"]:
        with pytest.raises(ApplicationError):
            Money.parse(bad, "CHF")


def test_arithmetic_keeps_the_currency():
    assert Money(6000, "CHF") - Money(600, "CHF") == Money(5400, "CHF")
    assert str(Money(6000, "CHF") * 3) == "CHF 180.00"
    with pytest.raises(ApplicationError) as raised:
        Money(1, "CHF") + Money(1, "EUR")
    assert raised.value.code == "currency_mismatch"


def test_basis_points_round_half_away_from_zero():
    assert Money(1005, "CHF").basis_points(1000) == Money(101, "CHF")  # 100.5 -> 101
    assert Money(-1005, "CHF").basis_points(1000) == Money(-101, "CHF")
    assert Money(6000, "CHF").basis_points(1250) == Money(750, "CHF")


@given(
    amount=st.integers(min_value=-(10**9), max_value=10**9),
    weights=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=8).filter(
        lambda w: sum(w) > 0
    ),
)
def test_allocation_never_loses_or_invents_a_cent(amount, weights):
    parts = Money(amount, "CHF").allocate(weights)

    assert sum(part.amount_minor for part in parts) == amount
    assert all(type(part.amount_minor) is int for part in parts)
    total = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part.amount_minor * total - amount * weight) < total
