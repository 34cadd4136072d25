"""Strict parsing of the text a request carries: query parameters, path values, form fields.

One layer for pages and the API alike (the API's serializer fields and the pages' form
fields call these). `str.isdigit()` is not a number check: "²" and "١٢" pass it, and
`int()` then raises (a 500) or reads a digit the person never typed as one. Only ASCII
digits are numbers here, with a bounded length, so a huge value is refused too. Every
refusal is an ApplicationError naming the field, with a translated message that does not
repeat the field's name (a page shows it next to the field).
"""

from datetime import date

from django.utils.translation import gettext

from quartier.platform.errors import ApplicationError

# What a PostgreSQL bigint holds: anything larger is refused before it reaches a query.
MAX_INTEGER_DIGITS = 19
MAX_ID = 2**63 - 1
MIN_INTEGER = -(2**63)


def is_ascii_integer(text: str) -> bool:
    """An optionally signed run of ASCII digits, at most MAX_INTEGER_DIGITS long."""
    digits = text[1:] if text[:1] in ("-", "+") else text
    return 0 < len(digits) <= MAX_INTEGER_DIGITS and digits.isascii() and digits.isdigit()


def integer_or_none(value: object) -> int | None:
    """The integer `value` stands for (an int, or text of ASCII digits), else None.

    Floats, booleans, "1.5", "1e3" and non-ASCII digits are not integers here: an id or
    a count given as 1.5 is refused, never truncated to 1.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and is_ascii_integer(value.strip()):
        value = int(value.strip())
    if isinstance(value, int) and MIN_INTEGER <= value <= MAX_ID:
        return value
    return None


def parse_integer(
    value: object, *, field: str, min_value: int | None = None, max_value: int | None = None
) -> int:
    """`value` as an integer within [min_value, max_value], or a 400 naming `field`."""
    number = integer_or_none(value)
    if number is None:
        raise ApplicationError.invalid_field(field, gettext("Enter a whole number."))
    if (min_value is not None and number < min_value) or (
        max_value is not None and number > max_value
    ):
        raise ApplicationError.invalid_field(field, range_message(min_value, max_value))
    return number


def range_message(min_value: int | None, max_value: int | None) -> str:
    if min_value is not None and max_value is not None:
        return gettext("Enter a whole number from %(min)s to %(max)s.") % {
            "min": min_value,
            "max": max_value,
        }
    if min_value is not None:
        return gettext("Enter a whole number of at least %(min)s.") % {"min": min_value}
    return gettext("Enter a whole number of at most %(max)s.") % {"max": max_value}


def parse_date(value: object, *, field: str) -> date:
    text = str(value).strip()
    try:
        if not (len(text) == 10 and text.isascii()):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError as error:
        raise ApplicationError.invalid_field(field, gettext("Use a date as YYYY-MM-DD.")) from error
