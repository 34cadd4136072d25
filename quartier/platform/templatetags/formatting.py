"""`{% load formatting %}`: `{{ price|money }}` → CHF 1’250.00 in the active language."""

from django import template

from quartier.platform.formatting import money_format
from quartier.platform.money import Money

register = template.Library()


@register.filter
def money(value):
    """A `Money` (or its `as_dict()`) formatted for the active language."""
    if isinstance(value, dict) and {"amount_minor", "currency"} <= value.keys():
        value = Money(int(value["amount_minor"]), value["currency"])
    if not isinstance(value, Money):
        return ""
    return money_format(value)
