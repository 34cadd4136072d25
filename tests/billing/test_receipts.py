"""Receipts: the PDF of a captured payment, read back with pdftotext, and who may get it."""

import re
import shutil
import subprocess

import pytest
from django.utils import translation

from quartier.billing.models import Payment
from quartier.billing.services.payments import payment_refund
from quartier.outbox.services import outbox_dispatch
from quartier.platform.money import Money
from tests.billing.factories import add_card, captured_payment, complete, confirmed, go_online
from tests.bookings.factories import bookable_listing
from tests.catalog.factories import make_provider

pytestmark = [
    pytest.mark.usefixtures("stripe"),
    pytest.mark.skipif(
        shutil.which("pdftotext") is None,
        reason="pdftotext is missing (scripts/ensure-poppler installs poppler-utils)",
    ),
]
TERMS = {"commission_basis_points": 1000, "customer_fee_basis_points": 500}


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.activate("en")


def pdf_text(content: bytes) -> str:
    """The PDF's text as pdftotext reads it, runs of spaces made one."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607 - the system's poppler-utils
        input=content,
        capture_output=True,
        check=True,
        timeout=30,
    )
    return re.sub(r"[ \u00a0]+", " ", result.stdout.decode())


@pytest.fixture
def paid(tenant_a) -> Payment:
    customer = tenant_a.users["customer"]
    with tenant_a.context():
        go_online(**TERMS, vat_basis_points=810)
        add_card(customer)
        listing = bookable_listing(
            provider=make_provider(user=tenant_a.users["provider"]), title="WLAN setup"
        )
        return captured_payment(listing=listing, customer=customer)


def test_the_receipt_pdf_shows_the_amount_split_and_the_vat(tenant_a, paid):
    client = tenant_a.session_client("customer")

    response = client.get(f"/billing/receipts/{paid.pk}.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="receipt-R-{paid.pk:06d}.pdf"'
    )
    text = pdf_text(response.content)
    assert "Telco Friends" in text
    assert f"Receipt R-{paid.pk:06d}" in text
    assert f"Booking #{paid.booking_id}: WLAN setup" in text
    assert "Price CHF 60.00" in text
    assert "Service fee CHF 3.00" in text
    assert "Total paid CHF 63.00" in text
    # 8.1 % included in 63.00: 63.00 * 8.1 / 108.1 = 4.72
    assert "Including VAT 8.1 % CHF 4.72" in text


def test_the_receipt_is_in_the_customers_language(tenant_a, paid):
    client = tenant_a.session_client("customer")

    german = pdf_text(
        client.get(f"/billing/receipts/{paid.pk}.pdf", HTTP_ACCEPT_LANGUAGE="de").content
    )
    french = pdf_text(
        client.get(f"/billing/receipts/{paid.pk}.pdf", HTTP_ACCEPT_LANGUAGE="fr").content
    )

    assert f"Quittung R-{paid.pk:06d}" in german
    assert "Total bezahlt CHF 63.00" in german
    assert "inkl. MWST 8.1 % CHF 4.72" in german
    assert f"Reçu R-{paid.pk:06d}" in french
    assert "Total payé 63,00 CHF" in french
    assert "dont TVA 8,1 % 4,72 CHF" in french


def test_no_vat_line_without_a_rate_and_a_refund_is_shown(tenant_a):
    customer = tenant_a.users["customer"]
    with tenant_a.context():
        go_online(**TERMS)
        add_card(customer)
        listing = bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))
        payment = captured_payment(listing=listing, customer=customer)
        payment_refund(
            payment=payment, amount=Money(1000, "CHF"), actor=tenant_a.users["admin"], reason="x"
        )
    client = tenant_a.session_client("customer")

    text = pdf_text(client.get(f"/billing/receipts/{payment.pk}.pdf").content)

    assert "Total paid CHF 63.00" in text
    assert "Refunded CHF 10.00" in text
    assert "VAT" not in text


def test_the_receipts_list_and_the_payment_page_link_the_receipt(tenant_a, paid):
    client = tenant_a.session_client("customer")

    listing = client.get("/billing/receipts/").content.decode()
    payment_page = client.get(f"/billing/bookings/{paid.booking_id}/").content.decode()

    assert f"R-{paid.pk:06d}" in listing
    assert "CHF\u00a063.00" in listing
    assert f'href="/billing/receipts/{paid.pk}.pdf"' in listing
    assert f'href="/billing/receipts/{paid.pk}.pdf"' in payment_page


def test_a_customer_cannot_fetch_another_customers_receipt(tenant_a, paid):
    with tenant_a.context():
        from quartier.accounts.models import User
        from quartier.accounts.services import user_create

        other = user_create(
            email="otto@telco.test",
            password="correct-horse-battery-staple",
            full_name="Otto Other",
            role=User.Role.CUSTOMER,
        )
    client = tenant_a.client()
    with tenant_a.context():
        client.force_login(other)

    response = client.get(f"/billing/receipts/{paid.pk}.pdf")
    listing = client.get("/billing/receipts/").content.decode()

    assert response.status_code == 404
    assert response["Content-Type"] != "application/pdf"
    assert f"R-{paid.pk:06d}" not in listing
    # the provider of the booking is not its customer either
    provider = tenant_a.session_client("provider")
    assert provider.get(f"/billing/receipts/{paid.pk}.pdf").status_code == 404


def _receipt_mails(mailoutbox) -> list:
    """The receipts among the mails (the booking's own notifications are sent too)."""
    return [
        message
        for message in mailoutbox
        if any(mimetype == "application/pdf" for _name, _content, mimetype in message.attachments)
    ]


def test_the_receipt_is_mailed_once_in_the_customers_language(tenant_a, paid, mailoutbox):
    customer = tenant_a.users["customer"]
    with tenant_a.context():
        customer.preferred_language = "fr"
        customer.save(update_fields=["preferred_language"])
        outbox_dispatch()
        outbox_dispatch()  # a second run finds nothing left to send

    receipts = _receipt_mails(mailoutbox)
    assert len(receipts) == 1
    message = receipts[0]
    assert message.to == [customer.email]
    assert message.subject.endswith(f"Votre reçu R-{paid.pk:06d}")
    assert "63,00\u00a0CHF" in message.body
    ((name, content, mimetype),) = message.attachments
    assert (name, mimetype) == (f"receipt-R-{paid.pk:06d}.pdf", "application/pdf")
    text = pdf_text(content)
    assert "Total payé 63,00 CHF" in text
    assert "dont TVA 8,1 % 4,72 CHF" in text


def test_a_payment_made_on_site_mails_no_receipt(tenant_a, mailoutbox):
    with tenant_a.context():
        listing = bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))
        complete(confirmed(listing=listing, customer=tenant_a.users["customer"]))
        outbox_dispatch()

    assert _receipt_mails(mailoutbox) == []
