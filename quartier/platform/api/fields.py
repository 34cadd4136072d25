"""Serializer fields shared by every app's API."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quartier.platform.money import CURRENCY_EXPONENTS, MAX_AMOUNT_MINOR, Money


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            "amount_minor": {"type": "integer", "description": "minor units (cents)"},
            "currency": {"type": "string", "enum": sorted(CURRENCY_EXPONENTS)},
            "formatted": {"type": "string", "readOnly": True},
        },
        "required": ["amount_minor", "currency"],
    }
)
class MoneyField(serializers.Field):
    """Money as {"amount_minor": int, "currency": "CHF"}; floats and strings are refused."""

    default_error_messages = {
        # Doubled braces: DRF formats these messages with str.format().
        "invalid": gettext_lazy('Give {{"amount_minor": <integer>, "currency": <ISO code>}}.'),
        "not_integer": gettext_lazy(
            "amount_minor must be an integer number of minor units (cents)."
        ),
        "negative": gettext_lazy("The amount must not be negative."),
        "too_large": gettext_lazy("The amount is too large."),
        "currency": gettext_lazy("Unknown currency; use one of {currencies}."),
    }

    def __init__(
        self, *, allow_negative: bool = False, max_amount_minor: int = MAX_AMOUNT_MINOR, **kwargs
    ):
        self.allow_negative = allow_negative
        self.max_amount_minor = max_amount_minor
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, dict) or set(data) - {"amount_minor", "currency", "formatted"}:
            self.fail("invalid")
        amount, currency = data.get("amount_minor"), data.get("currency")
        if type(amount) is not int:
            self.fail("not_integer")
        if currency not in CURRENCY_EXPONENTS:
            self.fail("currency", currencies=", ".join(sorted(CURRENCY_EXPONENTS)))
        if amount < 0 and not self.allow_negative:
            self.fail("negative")
        if abs(amount) > self.max_amount_minor:
            self.fail("too_large")
        return Money(amount, currency)

    def to_representation(self, value: Money):
        return value.as_dict()
