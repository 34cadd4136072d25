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
    issued = _invoices(operator_client)
    again = operator_client.post("/api/operator/invoices/issue/", {"period": MONTH}, format="json")

    # the request only queues one task per tenant (run at once here: no broker in tests)
    assert first.status_code == 202, first.json()
    assert first.json() == {"period": MONTH, "queued": ["telco", "acme"]}
    assert (issued["telco"]["booking_count"], issued["telco"]["total_minor"]) == (
        2,
        49_000 + 2 * 150,
    )
    assert (issued["acme"]["booking_count"], issued["acme"]["total_minor"]) == (0, 49_000)
    assert again.status_code == 202
    assert _invoices(operator_client) == issued
    assert TenantInvoice.objects.filter(period_start=Period.parse(MONTH).start).count() == 2


def _invoices(operator_client) -> dict:
    rows = operator_client.get("/api/operator/invoices/").json()
    return {row["tenant"]: row for row in rows if row["period_start"].startswith(MONTH)}


def test_a_qr_bill_invoice_is_a_pdf_with_the_payment_part(tenant_a, priced_plan, operator_client):
    operator_client.post("/api/operator/invoices/issue/", {"period": MONTH}, format="json")
    invoice = _invoices(operator_client)["telco"]

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

    assert issued.status_code == 202, issued.json()
    telco = _invoices(operator_client)["telco"]
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


def test_the_monthly_run_bills_last_month_one_task_per_tenant(tenant_a, tenant_b, priced_plan):
    from datetime import date

    from quartier.tenants.tasks import tenant_invoices_issue_task

    assert Period.before(date(2027, 1, 15)) == Period.parse("2026-12")

    queued = tenant_invoices_issue_task.delay(period=MONTH).get()

    assert queued == 2
    assert sorted(
        TenantInvoice.objects.filter(period_start=Period.parse(MONTH).start).values_list(
            "tenant__slug", "total_minor"
        )
    ) == [("acme", 49_000), ("telco", 49_000)]
