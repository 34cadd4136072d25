"""Amounts as people read them, in the active language: CHF 1’250.00."""

from django.utils import formats

from quartier.platform.money import CURRENCY_EXPONENTS, Money


def money_format(money: Money) -> str:
    """`Money` for display in the active language (separators from its format module)."""
    number = formats.number_format(
        abs(money.as_decimal()),
        decimal_pos=CURRENCY_EXPONENTS[money.currency],
        use_l10n=True,
        force_grouping=True,
    )
    sign = "-" if money.is_negative else ""
    # A non-breaking space keeps the currency on the same line as its amount.
    return f"{money.currency}\u00a0{sign}{number}"


def duration_format(delay) -> str:
    """A timedelta as people read a waiting time: "12 min", "1 h 05 min"; "–" for None."""
    from django.utils.translation import gettext as _

    if delay is None:
        return "–"
    minutes = round(delay.total_seconds() / 60)
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    return _("%(hours)d h %(minutes)02d min") % {"hours": minutes // 60, "minutes": minutes % 60}
