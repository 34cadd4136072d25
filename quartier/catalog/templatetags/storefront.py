"""Template helpers of the storefront: money per locale, stars, badge names."""

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from quartier.platform.money import CURRENCY_EXPONENTS, Money

register = template.Library()

# Swiss conventions per language: (grouping separator, decimal separator, symbol first).
# German, Italian and English in Switzerland write CHF 1’250.00; French writes 1 250,00 CHF.
_NARROW_NO_BREAK_SPACE = "\u202f"
_LOCALE_STYLE = {
    "de": ("\u2019", ".", True),
    "it": ("\u2019", ".", True),
    "fr": (_NARROW_NO_BREAK_SPACE, ",", False),
    "en": (",", ".", True),
}


def format_money(money: Money, language: str | None = None) -> str:
    """An amount as people of `language` (default: the active one) write it."""
    language = (language or get_language() or "en")[:2]
    grouping, decimal_mark, symbol_first = _LOCALE_STYLE.get(language, _LOCALE_STYLE["en"])
    exponent = CURRENCY_EXPONENTS[money.currency]
    value = abs(money.as_decimal())
    whole, _, fraction = f"{value:.{exponent}f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    number = grouping.join(groups) + (decimal_mark + fraction if exponent else "")
    if money.amount_minor < 0:
        number = "-" + number
    # A no-break space keeps the currency on the amount's line.
    return f"{money.currency}\u00a0{number}" if symbol_first else f"{number}\u00a0{money.currency}"


@register.filter
def money(value) -> str:
    """Money, a Money.as_dict() or None -> the amount formatted for the active language."""
    if value is None or value == "":
        return ""
    if isinstance(value, dict):
        value = Money(int(value["amount_minor"]), value["currency"])
    return format_money(value)


@register.filter
def stars(score) -> str:
    """A rating (1-5, may be a decimal) as filled and empty stars, for sighted users."""
    if score is None:
        return ""
    filled = int(Decimal(str(score)) + Decimal("0.5"))
    return "★" * filled + "☆" * (5 - filled)


@register.filter
def field_errors(errors, name: str) -> list:
    """errors[name] or an empty list (templates cannot index a dict by a variable)."""
    if not errors:
        return []
    return errors.get(name) or []


@register.filter
def lookup(mapping, key):
    """mapping[key] or None."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def price_unit(value: str) -> str:
    """A listing's price unit ("hour") as its label ("Per hour")."""
    from quartier.catalog.models import Listing

    return dict(Listing.PriceUnit.choices).get(value, value)


@register.simple_tag
def field_widget(field):
    """A bound field's widget, marked invalid and pointing at its error text."""
    attrs = {}
    if field.errors:
        attrs = {"aria-invalid": "true", "aria-describedby": f"{field.auto_id}-error"}
    return field.as_widget(attrs=attrs)


@register.filter
def iso_datetime(value: str):
    """An ISO 8601 string (as stored in a booking's windows) -> a datetime for |date."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def format_rating(value, language: str | None = None) -> str:
    """A rating (one decimal) with the decimal mark of `language` (4.8, or 4,8 in French)."""
    language = (language or get_language() or "en")[:2]
    decimal_mark = _LOCALE_STYLE.get(language, _LOCALE_STYLE["en"])[1]
    return f"{Decimal(str(value)):.1f}".replace(".", decimal_mark)


@register.inclusion_tag("catalog/_rating.html")
def rating(subject):
    """Stars, number and review count - or "New" - for a provider, from the one rule in
    catalog.selectors.ratings. `subject` is a ProviderProfile, a Rating, or the API's
    rating dict (search results)."""
    from quartier.catalog.selectors.ratings import Rating, provider_rating

    if isinstance(subject, dict):
        value = subject.get("score")
        value = None if value is None else Decimal(str(value))
        count = subject.get("count") or 0
    else:
        found = subject if isinstance(subject, Rating) else provider_rating(subject)
        value, count = found.value, found.count
    filled = 0 if value is None else int(value + Decimal("0.5"))
    return {
        "value": None if value is None else format_rating(value),
        "raw": "" if value is None else f"{value:.1f}",
        "count": count,
        "stars": "★" * filled + "☆" * (5 - filled),
    }
