"""The operator's monthly invoices to tenants: plan subscription + a fee per booking."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quartier.billing import gateway
from quartier.bookings.models import Booking
from quartier.platform.tenancy import public_context
from quartier.tenants.invoicing import Period, _qr_bill_svg, invoice_pdf
from quartier.tenants.models import Plan, Tenant, TenantInvoice
from tests.billing.factories import complete, confirmed
from tests.bookings.factories import bookable_listing, next_local
from tests.catalog.factories import make_provider

MONTH = timezone.now().strftime("%Y-%m")


@pytest.fixture
def priced_plan(tenant_a, tenant_b):
    with public_context():
        plan = Plan.objects.create(
            code="business",
            name="Business",
            monthly_fee_minor=49_000,
            per_booking_fee_minor=150,
            currency="CHF",
        )
        Tenant.objects.filter(pk__in=[tenant_a.tenant.pk, tenant_b.tenant.pk]).update(plan=plan)
    return plan


def _complete_bookings(handle, count: int) -> None:
    with handle.context():
        listing = bookable_listing(provider=make_provider(user=handle.users["provider"]))
        for day in range(count):
            booking = confirmed(
                listing=listing,
                customer=handle.users["customer"],
                starts_at=next_local(10, days_ahead=day + 2),
            )
            complete(booking, hours_ago=3 + 2 * day)
        # one completed last year does not count this month
        Booking.objects.filter(pk=booking.pk).update(
            completed_at=timezone.now() - timedelta(days=400)
        )


def test_each_tenant_is_billed_its_plan_plus_its_bookings_once(
    tenant_a, tenant_b, priced_plan, operator_client
):
    _complete_bookings(tenant_a, 3)

    first = operator_client.post("/api/operator/invoices/issue/", {"period": MONTH}, format="json")
    again = operator_client.post("/api/operator/invoices/issue/", {"period": MONTH}, format="json")

    assert first.status_code == 200, first.json()
    by_tenant = {row["tenant"]: row for row in first.json()}
    assert (by_tenant["telco"]["booking_count"], by_tenant["telco"]["total_minor"]) == (
        2,
        49_000 + 2 * 150,
    )
    assert (by_tenant["acme"]["booking_count"], by_tenant["acme"]["total_minor"]) == (0, 49_000)
    assert [row["number"] for row in again.json()] == [row["number"] for row in first.json()]
    assert TenantInvoice.objects.filter(period_start=Period.parse(MONTH).start).count() == 2


def test_a_qr_bill_invoice_is_a_pdf_with_the_payment_part(tenant_a, priced_plan, operator_client):
    [invoice, *_] = operator_client.post(
        "/api/operator/invoices/issue/", {"period": MONTH}, format="json"
    ).json()

    pdf = operator_client.get(f"/api/operator/invoices/{invoice['id']}/pdf/")

    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    svg = _qr_bill_svg(TenantInvoice.objects.get(pk=invoice["id"]))
    assert "490.00" in svg
    assert "CH93 0076 2011 6238 5295 7" in svg
    assert len(invoice_pdf(TenantInvoice.objects.get(pk=invoice["id"]))) > 10_000


def test_a_stripe_invoice_is_created_at_stripe(
    tenant_a, tenant_b, priced_plan, operator_client, stripe
):
    _complete_bookings(tenant_a, 2)
    chosen = operator_client.put(
        "/api/operator/tenants/telco/invoice-method/", {"invoice_method": "stripe"}, format="json"
    )
    assert chosen.status_code == 200

    issued = operator_client.post("/api/operator/invoices/issue/", {"period": MONTH}, format="json")

    assert issued.status_code == 200, issued.json()
    telco = next(row for row in issued.json() if row["tenant"] == "telco")
    assert telco["method"] == "stripe"
    at_stripe = gateway.call("invoices", "retrieve", telco["stripe_invoice_id"])
    assert at_stripe.total == 49_000 + 150
    assert at_stripe.metadata["invoice_number"] == telco["number"]


def test_bad_periods_and_tenant_tokens_are_refused(tenant_a, operator_client):
    bad = operator_client.post(
        "/api/operator/invoices/issue/", {"period": "2026-13"}, format="json"
    )
    as_tenant = tenant_a.client("admin").get("/api/operator/invoices/")

    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["period"])
    assert as_tenant.status_code == 404
