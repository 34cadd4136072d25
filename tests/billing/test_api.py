"""The billing API: validated settings, visibility of money, statements and reports."""

import csv
import io

import pytest
from rest_framework.test import APIClient

from quartier.billing.models import Payment
from quartier.billing.services.settings import payout_settings_get
from tests.billing.factories import complete, confirmed
from tests.bookings.factories import bookable_listing
from tests.catalog.factories import make_provider


@pytest.fixture
def offline_payment(tenant_a):
    with tenant_a.context():
        listing = bookable_listing(
            provider=make_provider(user=tenant_a.users["provider"]), title="Router rescue"
        )
        booking = complete(confirmed(listing=listing, customer=tenant_a.users["customer"]))
        return booking.payment


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"commission_basis_points": 10000}, "commission_basis_points"),
        ({"commission_basis_points": -1}, "commission_basis_points"),
        ({"customer_fee_fixed_minor": 12.5}, "customer_fee_fixed_minor"),
        ({"customer_fee_fixed_minor": "100"}, "customer_fee_fixed_minor"),
        ({"late_cancellation_basis_points": 10001}, "late_cancellation_basis_points"),
        ({"currency": "USD"}, "currency"),
        ({"payment_mode": "barter"}, "payment_mode"),
    ],
)
def test_bad_payout_settings_are_refused_by_field(tenant_a, body, field):
    with tenant_a.context():
        before = payout_settings_get().commission_basis_points

    response = tenant_a.client("admin").patch("/api/billing/settings/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["fields"]
    with tenant_a.context():
        assert payout_settings_get().commission_basis_points == before


def test_settings_change_is_saved_and_audited(tenant_a):
    response = tenant_a.client("admin").patch(
        "/api/billing/settings/",
        {"commission_basis_points": 1250, "currency": "EUR", "payout_interval": "daily"},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["commission_basis_points"], response.json()["currency"]) == (
        1250,
        "EUR",
    )
    audit = tenant_a.client("admin").get("/api/audit/?action=billing.settings_changed").json()
    assert audit["results"][0]["after"]["commission_basis_points"] == 1250
    assert tenant_a.client("provider").get("/api/billing/settings/").status_code == 403


def test_each_party_sees_only_its_own_payments(tenant_a, tenant_b, offline_payment):
    def ids(handle, role):
        return [
            p["id"] for p in handle.client(role).get("/api/billing/payments/").json()["results"]
        ]

    assert ids(tenant_a, "customer") == [offline_payment.pk]
    assert ids(tenant_a, "provider") == [offline_payment.pk]
    assert ids(tenant_a, "admin") == [offline_payment.pk]
    assert ids(tenant_b, "admin") == []
    with tenant_a.context():
        outsider = make_provider().user
    client = APIClient(HTTP_HOST=tenant_a.host)
    client.force_authenticate(outsider)
    assert client.get(f"/api/billing/payments/{offline_payment.pk}/").status_code == 404


def test_tenant_a_admin_never_sees_tenant_b_money(tenant_a, tenant_b, offline_payment):
    a_ledger = tenant_a.client("admin").get("/api/billing/ledger/").json()
    b_ledger = tenant_b.client("admin").get("/api/billing/ledger/").json()

    assert a_ledger["trial_balance"] == {"CHF": 0}
    assert {row["name"]: row["balance_minor"] for row in a_ledger["parties"]}["platform"] == -600
    assert b_ledger == {"parties": [], "accounts": [], "trial_balance": {}}
    report = tenant_b.client("admin").get("/api/billing/reports/commission.csv").content.decode()
    assert "Router rescue" not in report
    assert len(report.splitlines()) == 1


def test_statement_and_commission_report_are_exact_csv(tenant_a, offline_payment):
    statement = tenant_a.client("provider").get("/api/billing/statements/earnings.csv")
    report = tenant_a.client("admin").get("/api/billing/reports/commission.csv")

    assert statement["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(statement.content.decode())))
    assert [(r["listing"], r["gross"], r["commission"], r["net"]) for r in rows] == [
        ("Router rescue", "60.00", "6.00", "54.00")
    ]
    lines = list(csv.reader(io.StringIO(report.content.decode())))
    assert lines[-1] == ["total", "", "", "", "CHF", "60.00", "6.00", "0.00"]


def test_a_bad_period_is_a_400_naming_the_field(tenant_a, offline_payment):
    client = tenant_a.client("admin")

    bad_date = client.get("/api/billing/reports/commission.csv?start=2026-13-01")
    reversed_period = client.get(
        "/api/billing/reports/commission.csv?start=2026-05-02&end=2026-05-01"
    )

    assert (bad_date.status_code, list(bad_date.json()["fields"])) == (400, ["start"])
    assert (reversed_period.status_code, list(reversed_period.json()["fields"])) == (400, ["end"])


def test_refunds_are_validated(tenant_a, offline_payment):
    response = tenant_a.client("admin").post(
        f"/api/billing/payments/{offline_payment.pk}/refund/",
        {"amount": {"amount_minor": 100, "currency": "CHF"}, "reason": "x"},
        format="json",
    )
    floats = tenant_a.client("admin").post(
        f"/api/billing/payments/{offline_payment.pk}/refund/",
        {"amount": {"amount_minor": 1.5, "currency": "CHF"}, "reason": "x"},
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (409, "not_refundable")
    assert (floats.status_code, list(floats.json()["fields"])) == (400, ["amount"])
    with tenant_a.context():
        assert Payment.objects.get(pk=offline_payment.pk).refunded_minor == 0
