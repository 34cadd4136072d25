"""Receipts of captured card payments (and refund notes of their refunds): which ones a
customer has, and the PDF of one.

The PDF is drawn with reportlab in the customer's language: the marketplace's name, what
was bought, the amount split as captured (price, service fee, total), a refund if there
was one, and the VAT included when the marketplace set a rate (snapshotted on the payment
when it was opened, like the fee terms).
"""

from io import BytesIO

from django.db import connection
from django.db.models import Q, Sum
from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from quartier.billing import ledger
from quartier.billing.events import PaymentCaptured, PaymentRefunded
from quartier.billing.models import JournalEntry, Payment, PaymentMode
from quartier.billing.services.payments import _split
from quartier.catalog.templatetags.storefront import format_money
from quartier.platform.errors import NotFound
from quartier.platform.money import BASIS_POINTS, Money

RECEIPTED = (Payment.Status.CAPTURED, Payment.Status.REFUNDED)


def receipts_of(*, user):
    """The customer's captured card payments, newest first."""
    return (
        Payment.objects.filter(
            booking__customer=user,
            mode=PaymentMode.ONLINE,
            status__in=RECEIPTED,
            captured_minor__gt=0,
        )
        .select_related("booking", "booking__listing", "booking__provider")
        .order_by("-captured_at", "-id")
    )


def receipt_get(*, user, payment_id: int) -> Payment:
    payment = receipts_of(user=user).filter(pk=payment_id).first()
    if payment is None:
        raise NotFound(_("No such receipt."))
    return payment


def receipt_number(payment: Payment) -> str:
    return f"R-{payment.pk:06d}"


def vat_included(payment: Payment, amount: Money) -> Money:
    """The VAT inside a gross amount at the payment's rate, rounded half up."""
    rate = payment.vat_basis_points
    gross = amount.amount_minor
    vat = (gross * rate * 2 + (BASIS_POINTS + rate)) // (2 * (BASIS_POINTS + rate))
    return Money(vat, amount.currency)


def _pdf_text(text: str) -> str:
    # The PDF's standard fonts have no narrow no-break space (French digit grouping).
    return str(text).replace("\u202f", "\u00a0")


def _percent(basis_points: int, language: str) -> str:
    """8.1 for 810 basis points, with the decimal mark the amounts use in `language`."""
    whole, rest = divmod(basis_points, 100)
    text = str(whole) if not rest else f"{whole}.{rest:02d}".rstrip("0")
    if "," in format_money(Money(1, "CHF"), language):
        text = text.replace(".", ",")
    return text


class _Sheet:
    """One A4 page written top down: lines of text and label/amount rows (receipts and
    refund notes share it)."""

    def __init__(self, *, title: str, author: str) -> None:
        self.buffer = BytesIO()
        self.pdf = canvas.Canvas(self.buffer, pagesize=A4)
        self.pdf.setTitle(title)
        self.pdf.setAuthor(author)
        width, height = A4
        self.left, self.right = 20 * mm, width - 20 * mm
        self.y = height - 25 * mm

    def line(self, text: str, *, size: int = 11, bold: bool = False, gap: float = 6.5) -> None:
        self.pdf.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        self.pdf.drawString(self.left, self.y, _pdf_text(text))
        self.y -= gap * mm

    def row(self, label: str, amount: str, *, bold: bool = False) -> None:
        self.pdf.setFont("Helvetica-Bold" if bold else "Helvetica", 11)
        self.pdf.drawString(self.left, self.y, _pdf_text(label))
        self.pdf.drawRightString(self.right, self.y, amount)
        self.y -= 6.5 * mm

    def rule(self) -> None:
        """A line above the next row (before a total)."""
        self.pdf.line(self.left, self.y + 4 * mm, self.right, self.y + 4 * mm)

    def space(self, millimetres: float) -> None:
        self.y -= millimetres * mm

    def finish(self) -> bytes:
        self.pdf.showPage()
        self.pdf.save()
        return self.buffer.getvalue()


def receipt_pdf(*, payment: Payment, language: str) -> bytes:
    """The receipt as a one-page A4 PDF, in `language`."""
    with translation.override(language):
        return _draw(payment, language)


def _draw(payment: Payment, language: str) -> bytes:
    booking = payment.booking
    tenant = getattr(connection, "tenant", None)
    brand = getattr(tenant, "name", "") or "Quartier"
    split = _split(payment)

    def money(value: Money) -> str:
        return _pdf_text(format_money(value, language))

    title = _("Receipt %(number)s") % {"number": receipt_number(payment)}
    sheet = _Sheet(title=title, author=brand)
    line, row = sheet.line, sheet.row

    line(brand, size=18, bold=True, gap=12)
    line(_("Receipt %(number)s") % {"number": receipt_number(payment)}, size=14, bold=True)
    paid_on = formats.date_format(payment.captured_at, "DATE_FORMAT") if payment.captured_at else ""
    line(_("Paid on %(date)s") % {"date": paid_on})
    line(_("Customer: %(name)s") % {"name": booking.customer.display_name})
    line(
        _("Booking #%(number)s: %(title)s")
        % {"number": booking.pk, "title": booking.listing.title if booking.listing else ""}
    )
    if booking.provider is not None:
        line(_("Helper: %(name)s") % {"name": booking.provider.display_name})
    if booking.starts_at:
        line(
            _("Date of the job: %(date)s")
            % {"date": formats.date_format(booking.starts_at, "DATE_FORMAT")},
            gap=10,
        )

    row(_("Price"), money(split.provider_gross))
    if split.customer_fee.amount_minor:
        row(_("Service fee"), money(split.customer_fee))
    sheet.rule()
    row(_("Total paid"), money(split.captured), bold=True)
    if payment.vat_basis_points:
        rate = _percent(payment.vat_basis_points, language)
        row(
            _("Including VAT %(rate)s %%") % {"rate": rate},
            money(vat_included(payment, split.captured)),
        )
    if payment.refunded_minor:
        row(_("Refunded"), money(payment.money(payment.refunded_minor)))
    sheet.space(6)
    line(_("Paid by card through our payment provider, Stripe."), size=9)
    line(_("Thank you for your booking."), size=9)
    return sheet.finish()


# --- the receipt by e-mail, through the outbox -------------------------------------------

RECEIPT_MAIL = "billing.receipt"


def payment_captured(event: PaymentCaptured) -> None:
    """Subscriber of PaymentCaptured (in the capture's transaction): mail the receipt of
    an online payment once, after commit, through the outbox."""
    from quartier.outbox.services import outbox_enqueue

    if not Payment.objects.filter(pk=event.payment_id, mode=PaymentMode.ONLINE).exists():
        return  # paid on site: the provider gave the customer their receipt
    outbox_enqueue(
        kind=RECEIPT_MAIL,
        payload={"payment_id": event.payment_id},
        dedupe_key=f"{RECEIPT_MAIL}:{event.payment_id}",
    )


def receipt_mail_send(payload: dict) -> None:
    """Deliver a receipt e-mail (outbox handler): the PDF attached, in the customer's
    language (their preferred one, else the marketplace's)."""
    from django.core.mail import EmailMessage

    from quartier.marketplace.selectors import marketplace_settings

    payment = (
        Payment.objects.filter(pk=payload["payment_id"], status__in=RECEIPTED)
        .select_related("booking__customer", "booking__listing", "booking__provider")
        .first()
    )
    if payment is None:
        return  # gone, or no longer a receipt to send
    customer = payment.booking.customer
    settings_row = marketplace_settings()
    language = customer.preferred_language or settings_row.default_language
    with translation.override(language):
        number = receipt_number(payment)
        subject = f"[{settings_row.display_name}] " + _("Your receipt %(number)s") % {
            "number": number
        }
        body = _(
            "Thank you for your booking #%(booking)s. %(total)s was charged to your card; "
            "your receipt is attached."
        ) % {
            "booking": payment.booking_id,
            "total": format_money(payment.money(payment.captured_minor), language),
        }
    message = EmailMessage(subject=subject, body=body, to=[customer.email])
    message.attach(
        f"receipt-{number}.pdf", receipt_pdf(payment=payment, language=language), "application/pdf"
    )
    message.send()


# --- refund notes ---------------------------------------------------------------------------
#
# A refund note is the ledger's refund entry (one per Stripe refund, keyed by its id), so
# there is nothing to store: its number is the entry's, its amount the entry's line on the
# Stripe balance. A refund reported twice is one entry, so one note and one e-mail.

REFUND_NOTE_MAIL = "billing.refund_note"


def refund_notes_of(*, user):
    """The customer's refund notes (refunds of their card payments), newest first."""
    return (
        JournalEntry.objects.filter(
            kind=JournalEntry.Kind.REFUND,
            payment__booking__customer=user,
            payment__mode=PaymentMode.ONLINE,
        )
        .annotate(
            balance_minor=Sum("lines__amount_minor", filter=Q(lines__account=ledger.STRIPE_BALANCE))
        )
        .select_related(
            "payment",
            "payment__booking",
            "payment__booking__listing",
            "payment__booking__provider",
            "payment__booking__customer",
        )
        .order_by("-created_at", "-id")
    )


def refund_note_get(*, user, entry_id: int) -> JournalEntry:
    entry = refund_notes_of(user=user).filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("No such refund note."))
    return entry


def refund_note_number(entry: JournalEntry) -> str:
    return f"RN-{entry.pk:06d}"


def refund_amount(entry: JournalEntry) -> Money:
    """What went back to the customer: the entry's outflow from the Stripe balance."""
    balance = getattr(entry, "balance_minor", None)
    if balance is None:
        balance = sum(
            line.amount_minor for line in entry.lines.all() if line.account == ledger.STRIPE_BALANCE
        )
    return entry.payment.money(-balance)


def refund_note_pdf(*, entry: JournalEntry, language: str) -> bytes:
    """The refund note as a one-page A4 PDF, in `language`."""
    with translation.override(language):
        return _draw_refund_note(entry, language)


def _draw_refund_note(entry: JournalEntry, language: str) -> bytes:
    payment = entry.payment
    booking = payment.booking
    tenant = getattr(connection, "tenant", None)
    brand = getattr(tenant, "name", "") or "Quartier"
    number = refund_note_number(entry)

    def money(value: Money) -> str:
        return _pdf_text(format_money(value, language))

    sheet = _Sheet(title=_("Refund note %(number)s") % {"number": number}, author=brand)
    line, row = sheet.line, sheet.row

    line(brand, size=18, bold=True, gap=12)
    line(_("Refund note %(number)s") % {"number": number}, size=14, bold=True)
    line(_("Refunded on %(date)s") % {"date": formats.date_format(entry.created_at, "DATE_FORMAT")})
    line(_("Original receipt: %(number)s") % {"number": receipt_number(payment)})
    line(_("Customer: %(name)s") % {"name": booking.customer.display_name})
    line(
        _("Booking #%(number)s: %(title)s")
        % {"number": booking.pk, "title": booking.listing.title if booking.listing else ""},
        gap=10,
    )
    row(_("Total paid"), money(payment.money(payment.captured_minor)))
    sheet.rule()
    row(_("Amount refunded"), money(refund_amount(entry)), bold=True)
    sheet.space(6)
    line(_("The amount goes back to the card you paid with, through Stripe."), size=9)
    line(_("It can take a few days to appear on your statement."), size=9)
    return sheet.finish()


def payment_refunded(event: PaymentRefunded) -> None:
    """Subscriber of PaymentRefunded: mail the refund note once, after commit."""
    from quartier.outbox.services import outbox_enqueue

    outbox_enqueue(
        kind=REFUND_NOTE_MAIL,
        payload={"refund_id": event.refund_id},
        dedupe_key=f"{REFUND_NOTE_MAIL}:{event.refund_id}",
    )


def refund_note_mail_send(payload: dict) -> None:
    """Deliver a refund note e-mail (outbox handler), the PDF attached, in the customer's
    language (their preferred one, else the marketplace's)."""
    from django.core.mail import EmailMessage

    from quartier.marketplace.selectors import marketplace_settings

    entry = (
        JournalEntry.objects.filter(
            key=f"refund:{payload['refund_id']}",
            kind=JournalEntry.Kind.REFUND,
            payment__mode=PaymentMode.ONLINE,
        )
        .select_related(
            "payment__booking__customer", "payment__booking__listing", "payment__booking__provider"
        )
        .first()
    )
    if entry is None:
        return
    customer = entry.payment.booking.customer
    settings_row = marketplace_settings()
    language = customer.preferred_language or settings_row.default_language
    number = refund_note_number(entry)
    with translation.override(language):
        subject = f"[{settings_row.display_name}] " + _("Your refund note %(number)s") % {
            "number": number
        }
        body = _(
            "%(amount)s of your payment for booking #%(booking)s was refunded to your card; "
            "the refund note is attached."
        ) % {
            "booking": entry.payment.booking_id,
            "amount": format_money(refund_amount(entry), language),
        }
    message = EmailMessage(subject=subject, body=body, to=[customer.email])
    message.attach(
        f"refund-note-{number}.pdf",
        refund_note_pdf(entry=entry, language=language),
        "application/pdf",
    )
    message.send()
