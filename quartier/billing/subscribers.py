"""What billing does when other apps publish events (registered in BillingConfig.ready)."""

from django.urls import reverse

from quartier.bookings.events import BookingTransitioned
from quartier.bookings.flow import (
    Quote,
    after_request_register,
    detail_panel_register,
    quote_register,
)
from quartier.platform.events import subscribe


def register() -> None:
    from quartier.billing.services.payments import booking_transitioned

    # In the booking's transaction: a confirm without a payable card is refused with it.
    subscribe(BookingTransitioned, booking_transitioned)
    after_request_register(_card_step_url)
    detail_panel_register(_cash_panel)
    quote_register(_quote)
    _receipts()


def _receipts() -> None:
    from quartier.billing.events import PaymentCaptured, PaymentRefunded
    from quartier.billing.receipts import (
        RECEIPT_MAIL,
        REFUND_NOTE_MAIL,
        payment_captured,
        payment_refunded,
        receipt_mail_send,
        refund_note_mail_send,
    )
    from quartier.outbox.services import outbox_handler_register

    subscribe(PaymentCaptured, payment_captured)
    outbox_handler_register(RECEIPT_MAIL, receipt_mail_send)
    subscribe(PaymentRefunded, payment_refunded)
    outbox_handler_register(REFUND_NOTE_MAIL, refund_note_mail_send)


def _card_step_url(booking) -> str | None:
    """Online marketplaces send the customer from the booking request to the card step."""
    from quartier.billing.services.cards import card_step_url_needed

    if card_step_url_needed(booking):
        return reverse("billing:card-step", args=[booking.pk])
    return None


def _cash_panel(request, booking) -> str:
    from quartier.billing.views import cash_panel

    return cash_panel(request, booking)


def _quote(price) -> Quote:
    """The booking summary's fee, payment method and cancellation terms: the same rules
    the payment applies (offline, the platform collects no fee from the customer)."""
    from quartier.billing.fees import FeeTerms, customer_fee
    from quartier.billing.models import PaymentMode
    from quartier.billing.services.settings import payout_settings_get

    payout_settings = payout_settings_get()
    terms = FeeTerms.of(payout_settings)
    online = payout_settings.payment_mode == PaymentMode.ONLINE
    return Quote(
        price=price,
        customer_fee=customer_fee(price, terms) if online else price.zero(price.currency),
        online=online,
        free_cancellation_hours=terms.free_cancellation_hours,
        late_cancellation_basis_points=terms.late_cancellation_basis_points,
    )
