"""Money pages of customers: the card step of a booking, its payment, saved cards.

The card step is the only page that loads Stripe.js (`stripe_js_allowed` opens exactly
STRIPE_JS_ORIGIN in its Content-Security-Policy); its script is a static file. Every
"the card is done" the browser posts is checked at Stripe by the services in
`billing/services/cards.py` before anything is recorded.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from quartier.billing import receipts
from quartier.billing.models import Payment
from quartier.billing.services import cards, cash
from quartier.bookings.models import Booking
from quartier.platform.errors import ApplicationError, NotFound
from quartier.platform.headers import stripe_js_allowed

STATUS_LABELS = {
    Payment.Status.PENDING: gettext_lazy("Not paid yet"),
    Payment.Status.AUTHORISED: gettext_lazy("Authorised"),
    Payment.Status.CAPTURED: gettext_lazy("Paid"),
    Payment.Status.REFUNDED: gettext_lazy("Refunded"),
    Payment.Status.RELEASED: gettext_lazy("Released, nothing charged"),
    Payment.Status.FAILED: gettext_lazy("Failed"),
    Payment.Status.OFFLINE: gettext_lazy("Paid on site"),
}


def _own_booking(request, pk) -> Booking:
    """A booking of the signed-in customer; any other booking (or none) is a 404."""
    booking = (
        Booking.objects.select_related("provider", "listing")
        .filter(pk=pk, customer=request.user)
        .first()
    )
    if booking is None:
        raise NotFound(_("No such booking."))
    return booking


@never_cache
@login_required
@stripe_js_allowed
@require_http_methods(["GET", "POST"])
def card_step(request, pk):
    """Pay for a booking by card: the saved card, or a new one through Stripe.js."""
    booking = _own_booking(request, pk)
    cards.card_step_payable(booking=booking, user=request.user)
    payment = Payment.objects.filter(booking=booking).first()
    if (payment is not None and payment.status in cards.DONE) or (
        booking.status not in cards.PAYABLE
    ):
        return redirect("billing:booking-payment", pk=booking.pk)
    error, status, client_secret = "", 200, ""
    if request.method == "POST":
        try:
            outcome = _card_step_post(request, booking)
        except ApplicationError as failure:
            error, status = failure.message, failure.status
        else:
            if outcome.authorised:
                messages.success(
                    request, _("Your card is authorised. It is charged when the job is done.")
                )
                return redirect("billing:booking-payment", pk=booking.pk)
            client_secret = outcome.client_secret
    payment = Payment.objects.filter(booking=booking).first()
    context = {
        "booking": booking,
        "payment": payment,
        "amounts": cards.amounts_of(booking),
        "error": error,
        "stripe_js_url": settings.STRIPE_JS_URL,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        # The bank wants 3-D Secure for this charge: the page confirms this PaymentIntent.
        "payment_client_secret": client_secret,
    }
    if not client_secret:
        context["saved_card"] = cards.saved_card_of(user=request.user)
        context["setup_client_secret"] = cards.card_setup_start(user=request.user)
    return render(request, "billing/card_step.html", context, status=status)


def _card_step_post(request, booking) -> cards.CardOutcome:
    action = request.POST.get("action")
    if action == "saved":
        return cards.card_authorise(booking=booking, user=request.user)
    if action == "setup":
        return cards.card_setup_finish(
            booking=booking,
            user=request.user,
            setup_intent_id=request.POST.get("setup_intent", ""),
        )
    if action == "authenticated":
        return cards.card_authentication_finish(
            booking=booking,
            user=request.user,
            payment_intent_id=request.POST.get("payment_intent", ""),
        )
    raise cards.card_not_authorised()


@never_cache
@login_required
def booking_payment(request, pk):
    """What the customer pays for a booking and where that payment stands."""
    booking = _own_booking(request, pk)
    payment = Payment.objects.filter(booking=booking).first()
    online = cards.online()
    return render(
        request,
        "billing/booking_payment.html",
        {
            "booking": booking,
            "payment": payment,
            "online": online,
            "amounts": cards.amounts_of(booking) if booking.price is not None else None,
            "status_label": STATUS_LABELS.get(payment.status) if payment else "",
            "captured": payment.money(payment.captured_minor) if payment else None,
            "has_receipt": payment is not None
            and payment.status in receipts.RECEIPTED
            and payment.mode == "online"
            and payment.captured_minor > 0,
            "refunded": payment.money(payment.refunded_minor) if payment else None,
            "can_pay": online
            and booking.price is not None
            and booking.status in cards.PAYABLE
            and (payment is None or payment.status not in cards.DONE),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def payment_methods(request):
    """The customer's saved card: see it, remove it."""
    if request.method == "POST" and request.POST.get("action") == "remove":
        cards.saved_card_remove(user=request.user)
        messages.success(request, _("Your card was removed."))
        return redirect("billing:payment-methods")
    return render(
        request,
        "billing/payment_methods.html",
        {"saved_card": cards.saved_card_of(user=request.user) if cards.online() else None},
    )


@never_cache
@login_required
def receipt_list(request):
    """The customer's receipts (one per captured card payment) and refund notes."""
    return render(
        request,
        "billing/receipt_list.html",
        {
            "receipts": [
                {
                    "payment": payment,
                    "number": receipts.receipt_number(payment),
                    "total": payment.money(payment.captured_minor),
                }
                for payment in receipts.receipts_of(user=request.user)
            ],
            "refund_notes": [
                {
                    "entry": entry,
                    "number": receipts.refund_note_number(entry),
                    "receipt_number": receipts.receipt_number(entry.payment),
                    "amount": receipts.refund_amount(entry),
                }
                for entry in receipts.refund_notes_of(user=request.user)[:200]
            ],
        },
    )


@never_cache
@login_required
def receipt_download(request, pk):
    """One receipt as a PDF, in the language the customer reads the site in."""
    payment = receipts.receipt_get(user=request.user, payment_id=pk)
    content = receipts.receipt_pdf(payment=payment, language=translation.get_language() or "en")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="receipt-{receipts.receipt_number(payment)}.pdf"'
    )
    return response


@never_cache
@login_required
def refund_note_download(request, pk):
    """One refund note as a PDF, in the language the customer reads the site in."""
    entry = receipts.refund_note_get(user=request.user, entry_id=pk)
    content = receipts.refund_note_pdf(entry=entry, language=translation.get_language() or "en")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="refund-note-{receipts.refund_note_number(entry)}.pdf"'
    )
    return response


# --- cash paid on site -------------------------------------------------------------------


def cash_panel(request, booking) -> str:
    """The booking page's "pay on site" section (registered in bookings.flow)."""
    due = cash.cash_due_of(booking=booking, user=request.user)
    if due is None:
        return ""
    role = "customer" if booking.customer_id == request.user.pk else "provider"
    return render_to_string(
        "billing/_cash_panel.html",
        {"cash": due, "booking": booking, "role": role},
        request=request,
    )


@login_required
@require_POST
def cash_received(request, pk):
    """The provider marks the cash received; marking again changes nothing."""
    cash.cash_received_mark(booking_id=pk, user=request.user)
    messages.success(request, _("Cash received: the payment is recorded."))
    return redirect("bookings:detail", pk=pk)
