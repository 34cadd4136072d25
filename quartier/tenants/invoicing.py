"""The operator bills each tenant monthly by plan: subscription + a fee per completed booking.

The method is the operator's choice per tenant: a Stripe invoice (invoice items on the
tenant's Stripe customer, then an invoice), or a PDF invoice with a Swiss QR-bill
(qrbill renders the payment part as SVG; reportlab and svglib put it on the page).
Issuing is idempotent per tenant and month, and runs as one task per tenant (a monthly
beat entry, or the operator's POST, which answers 202 with what it queued): counting
bookings visits the tenant's schema and Stripe is called with no transaction open,
never on a request path.
"""

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from quartier.platform.errors import ApplicationError
from quartier.platform.money import Money
from quartier.platform.tenancy import public_context, tenant_context
from quartier.tenants.models import Tenant, TenantInvoice


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive: the first day of the next month

    @classmethod
    def parse(cls, text: str) -> "Period":
        try:
            start = date.fromisoformat(f"{text}-01")
            # December 9999 has no following month to end on.
            end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        except ValueError as error:
            raise ApplicationError.invalid_field("period", _("Use a month as YYYY-MM.")) from error
        return cls(start, end)

    @classmethod
    def before(cls, day: date) -> "Period":
        """The month before the one `day` is in (what the monthly run bills)."""
        last = date(day.year, day.month, 1) - timedelta(days=1)
        return cls.parse(f"{last:%Y-%m}")

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m}"

    def bounds(self) -> tuple[datetime, datetime]:
        return (
            datetime.combine(self.start, time.min, tzinfo=UTC),
            datetime.combine(self.end, time.min, tzinfo=UTC),
        )


def completed_bookings(*, tenant: Tenant, period: Period) -> int:
    from quartier.bookings.models import Booking, BookingStatus

    start, end = period.bounds()
    with tenant_context(tenant):
        return Booking.objects.filter(
            status=BookingStatus.COMPLETED, completed_at__gte=start, completed_at__lt=end
        ).count()


def tenant_invoices_queue(*, period: Period) -> list[Tenant]:
    """Queue one invoicing task per tenant billed for the period; returns those tenants.

    Each tenant's invoice (its booking count, and at Stripe its items and invoice) is
    made by its own task, off the request path: one slow or failing tenant is retried
    and dead-lettered alone, and no request waits for Stripe.
    """
    from quartier.tenants.tasks import tenant_invoice_issue_task

    with public_context():
        tenants = list(
            Tenant.objects.exclude(status=Tenant.Status.DELETED)
            .filter(created_at__date__lt=period.end)
            .order_by("id")
        )
        for tenant in tenants:
            tenant_invoice_issue_task.delay(tenant_id=tenant.pk, period=period.label)
    return tenants


def tenant_invoice_issue(*, tenant: Tenant, period: Period) -> TenantInvoice:
    bookings = completed_bookings(tenant=tenant, period=period)
    with public_context():
        existing = TenantInvoice.objects.filter(tenant=tenant, period_start=period.start).first()
        if existing:
            return existing
        plan = tenant.plan
        try:
            with transaction.atomic():
                invoice = TenantInvoice.objects.create(
                    tenant=tenant,
                    number=_number(tenant, period),
                    period_start=period.start,
                    period_end=period.end,
                    method=tenant.invoice_method,
                    currency=plan.currency,
                    subscription_minor=plan.monthly_fee_minor,
                    booking_count=bookings,
                    per_booking_minor=plan.per_booking_fee_minor,
                    total_minor=plan.monthly_fee_minor + bookings * plan.per_booking_fee_minor,
                )
        except IntegrityError:
            return TenantInvoice.objects.get(tenant=tenant, period_start=period.start)
        if invoice.method == TenantInvoice.Method.STRIPE:
            _issue_at_stripe(invoice)
        return invoice


def _number(tenant: Tenant, period: Period) -> str:
    return f"Q-{period.start:%Y%m}-{tenant.pk:05d}"


def _issue_at_stripe(invoice: TenantInvoice) -> None:
    from quartier.billing import gateway

    tenant = invoice.tenant
    if not tenant.stripe_customer_id:
        customer = gateway.call(
            "customers",
            "create",
            idempotency_key=f"operator:tenant:{tenant.pk}:customer",
            name=tenant.name,
            metadata={"tenant_slug": tenant.slug},
        )
        Tenant.objects.filter(pk=tenant.pk).update(stripe_customer_id=customer.id)
        tenant.stripe_customer_id = customer.id
    currency = invoice.currency.lower()
    for label, amount in _lines(invoice):
        gateway.call(
            "invoice_items",
            "create",
            idempotency_key=f"operator:invoice:{invoice.number}:{label}",
            customer=tenant.stripe_customer_id,
            amount=amount.amount_minor,
            currency=currency,
            description=label,
        )
    created = gateway.call(
        "invoices",
        "create",
        idempotency_key=f"operator:invoice:{invoice.number}",
        customer=tenant.stripe_customer_id,
        description=f"Quartier {invoice.number}",
        metadata={"invoice_number": invoice.number},
        # Stripe's default leaves pending items out of a new invoice.
        pending_invoice_items_behavior="include",
    )
    TenantInvoice.objects.filter(pk=invoice.pk).update(stripe_invoice_id=created.id)
    invoice.stripe_invoice_id = created.id


def _lines(invoice: TenantInvoice) -> list[tuple[str, Money]]:
    money = Money(invoice.subscription_minor, invoice.currency)
    lines = [(f"Subscription {invoice.period_start:%m/%Y}", money)]
    if invoice.booking_count and invoice.per_booking_minor:
        per = Money(invoice.per_booking_minor, invoice.currency)
        lines.append((f"{invoice.booking_count} bookings x {per}", per * invoice.booking_count))
    return [(label, amount) for label, amount in lines if amount]


def invoice_pdf(invoice: TenantInvoice) -> bytes:
    """A one-page A4 invoice whose lower part is the Swiss QR-bill payment slip."""
    from reportlab.graphics import renderPDF
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas
    from svglib.svglib import svg2rlg

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setTitle(f"Invoice {invoice.number}")
    _write_invoice_text(page, invoice, top=A4[1] - 25 * mm, left=20 * mm)
    drawing = svg2rlg(io.BytesIO(_qr_bill_svg(invoice).encode()))
    scale = A4[0] / drawing.width
    drawing.scale(scale, scale)
    renderPDF.draw(drawing, page, 0, 0)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _write_invoice_text(page, invoice: TenantInvoice, *, top: float, left: float) -> None:
    operator = settings.OPERATOR_BILLING
    lines = [
        operator["name"],
        f"{operator['street']} {operator['house_number']}",
        f"{operator['postal_code']} {operator['city']}",
        "",
        f"Invoice {invoice.number}",
        f"To: {invoice.tenant.name}",
        f"Period: {invoice.period_start:%d.%m.%Y} - {invoice.period_end:%d.%m.%Y} (exclusive)",
        "",
        *[f"{label}: {amount}" for label, amount in _lines(invoice)],
        "",
        f"Total: {Money(invoice.total_minor, invoice.currency)}",
    ]
    text = page.beginText(left, top)
    text.setFont("Helvetica", 11)
    for line in lines:
        text.textLine(line)
    page.drawText(text)


def _qr_bill_svg(invoice: TenantInvoice) -> str:
    from qrbill import QRBill

    operator = settings.OPERATOR_BILLING
    bill = QRBill(
        account=operator["iban"],
        creditor={
            "name": operator["name"],
            "street": operator["street"],
            "house_num": operator["house_number"],
            "pcode": operator["postal_code"],
            "city": operator["city"],
            "country": operator["country"],
        },
        amount=str(Money(invoice.total_minor, invoice.currency).as_decimal()),
        currency=invoice.currency,
        additional_information=f"Invoice {invoice.number}",
        language="en",
    )
    out = io.StringIO()
    bill.as_svg(out)
    return out.getvalue()
