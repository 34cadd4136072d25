"""Exact money: integer minor units with a currency. Never a float.

Every amount in Quartier is a `Money`; fees are basis points (1 % = 100 bp) and every
division rounds in one place, here, so that splitting a price into payout and
commission never loses or invents a cent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quartier.platform.errors import ApplicationError

# ISO 4217 minor-unit exponents of the currencies a marketplace may use.
CURRENCY_EXPONENTS = {"CHF": 2, "EUR": 2}
BASIS_POINTS = 10_000
# CHF 10 million: beyond any neighbourhood job; stops absurd input early.
MAX_AMOUNT_MINOR = 1_000_000_000


class Currency(models.TextChoices):
    CHF = "CHF", gettext_lazy("Swiss franc")
    EUR = "EUR", gettext_lazy("Euro")


class MoneyError(ApplicationError):
    pass


def validate_currency(currency: str, *, field: str = "currency") -> str:
    if currency not in CURRENCY_EXPONENTS:
        known = ", ".join(sorted(CURRENCY_EXPONENTS))
        raise MoneyError(
            "unknown_currency",
            _("Unknown currency %(currency)s; use one of %(known)s.")
            % {"currency": repr(currency), "known": known},
            fields={field: [_("Unknown currency; use one of %(known)s.") % {"known": known}]},
        )
    return currency


@dataclass(frozen=True, slots=True)
class Money:
    amount_minor: int
    currency: str

    def __post_init__(self):
        # bool is an int subclass; neither it nor a float is an amount.
        if type(self.amount_minor) is not int:
            raise TypeError(f"Money needs an int of minor units, got {self.amount_minor!r}")
        validate_currency(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def parse(cls, text: str, currency: str) -> Money:
        """Parse a decimal string such as "60.05" exactly (no float on the way)."""
        exponent = CURRENCY_EXPONENTS[validate_currency(currency)]
        try:
            value = Decimal(str(text).strip())
        except InvalidOperation as error:
            raise MoneyError.invalid_field(
                "amount", _("%(text)s is not an amount.") % {"text": repr(text)}
            ) from error
        if not value.is_finite() or value != value.quantize(Decimal(1).scaleb(-exponent)):
            raise MoneyError.invalid_field(
                "amount",
                _("Use at most %(exponent)s decimal places for %(currency)s.")
                % {"exponent": exponent, "currency": currency},
            )
        return cls(int(value.scaleb(exponent)), currency)

    def _check(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"Cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise MoneyError(
                "currency_mismatch",
                _("Cannot combine %(currency)s and %(other)s.")
                % {"currency": self.currency, "other": other.currency},
            )

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount_minor + other.amount_minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount_minor - other.amount_minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount_minor, self.currency)

    def __mul__(self, factor: int) -> Money:
        if type(factor) is not int:
            raise TypeError("Money can only be multiplied by an int")
        return Money(self.amount_minor * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount_minor < other.amount_minor

    def __le__(self, other: Money) -> bool:
        self._check(other)
        return self.amount_minor <= other.amount_minor

    def __gt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount_minor > other.amount_minor

    def __ge__(self, other: Money) -> bool:
        self._check(other)
        return self.amount_minor >= other.amount_minor

    def __bool__(self) -> bool:
        return self.amount_minor != 0

    @property
    def is_negative(self) -> bool:
        return self.amount_minor < 0

    def basis_points(self, points: int) -> Money:
        """This amount times points/10,000, rounded half away from zero to a minor unit."""
        if type(points) is not int:
            raise TypeError("basis points must be an int")
        return Money(_divide_half_up(self.amount_minor * points, BASIS_POINTS), self.currency)

    def allocate(self, weights: Sequence[int]) -> list[Money]:
        """Split into parts proportional to integer weights; the parts sum to self exactly."""
        if not weights or any(type(w) is not int or w < 0 for w in weights) or sum(weights) == 0:
            raise ValueError("weights must be non-negative ints with a positive sum")
        total = sum(weights)
        sign = -1 if self.amount_minor < 0 else 1
        amount = abs(self.amount_minor)
        shares = [amount * w // total for w in weights]
        remainders = [amount * w % total for w in weights]
        leftover = amount - sum(shares)
        # Largest remainder first; ties go to the earlier part, deterministically.
        order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
        for index in order[:leftover]:
            shares[index] += 1
        return [Money(sign * share, self.currency) for share in shares]

    def as_decimal(self) -> Decimal:
        return Decimal(self.amount_minor).scaleb(-CURRENCY_EXPONENTS[self.currency])

    def __str__(self) -> str:
        exponent = CURRENCY_EXPONENTS[self.currency]
        return f"{self.currency} {self.as_decimal():.{exponent}f}"

    def as_dict(self) -> dict:
        return {
            "amount_minor": self.amount_minor,
            "currency": self.currency,
            "formatted": str(self),
        }


def _divide_half_up(numerator: int, denominator: int) -> int:
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient
