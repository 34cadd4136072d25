"""Steps other apps add to the booking flow, without bookings importing them.

A higher app (billing: the card step) registers a function in its AppConfig.ready();
after a booking request, the first one that returns a URL is where the customer goes
next, instead of the booking page.

Billing also answers what a price costs the customer before they commit (the fee, the
payment method, the cancellation terms): `quote_register`. Without it a marketplace
charges no fee and is paid on site.
"""

from collections.abc import Callable
from dataclasses import dataclass

from quartier.platform.money import Money

_after_request: list[Callable] = []
_quoters: list[Callable] = []


def after_request_register(step: Callable) -> None:
    """`step(booking) -> str | None`: a URL the customer must visit next, or None."""
    if step not in _after_request:
        _after_request.append(step)


def after_request_url(booking) -> str | None:
    for step in _after_request:
        url = step(booking)
        if url:
            return url
    return None


# Sections other apps add to the booking page (billing: paying on site), in the same way.
_detail_panels: list[Callable] = []


def detail_panel_register(panel: Callable) -> None:
    """`panel(request, booking) -> str`: safe HTML to show on the booking page, or ""."""
    if panel not in _detail_panels:
        _detail_panels.append(panel)


def detail_panels(request, booking) -> list[str]:
    return [html for html in (panel(request, booking) for panel in _detail_panels) if html]


_mail_filters: list[Callable] = []


def mail_filter_register(keep: Callable) -> None:
    """`keep(booking, action, users) -> users`: who still gets the booking e-mail of
    `action` (the notification centre drops those who switched e-mail off)."""
    if keep not in _mail_filters:
        _mail_filters.append(keep)


def mail_recipients(booking, action: str, users: list) -> list:
    for keep in _mail_filters:
        users = keep(booking, action, users)
    return users


@dataclass(frozen=True)
class Quote:
    """What the customer pays for `price`, shown on the summary before they commit."""

    price: Money
    customer_fee: Money
    online: bool = False
    # Free cancellation until this many hours before the start, then this share of the
    # price (basis points); None when no terms are known.
    free_cancellation_hours: int | None = None
    late_cancellation_basis_points: int = 0

    @property
    def total(self) -> Money:
        return self.price + self.customer_fee


def quote_register(quoter: Callable) -> None:
    """`quoter(price: Money) -> Quote`: the one registered is asked for every summary."""
    if quoter not in _quoters:
        _quoters.append(quoter)


def quote(price: Money) -> Quote:
    for quoter in _quoters:
        return quoter(price)
    return Quote(price=price, customer_fee=Money.zero(price.currency))
