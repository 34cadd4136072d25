"""Refund notes: a refund (full or partial, through the refund service) gives the customer
an e-mail and a PDF note in their language, listed with their receipts, theirs only."""

import pytest

from quartier.accounts.models import User
from quartier.accounts.services import user_create
from quartier.billing.models import JournalEntry
from quartier.billing.services.payments import payment_refund, record_refunded
from quartier.outbox.services import outbox_dispatch
from quartier.platform.money import Money
from tests.billing.factories import add_card, captured_payment, go_online
from tests.billing.test_receipts import TERMS, _english_afterwards, pdf_text  # noqa: F401
from tests.bookings.factories import bookable_listing
from tests.catalog.factories import make_provider

pytestmark = pytest.mark.usefixtures("stripe")


@pytest.fixture
def paid(tenant_a):
    customer = tenant_a.users["customer"]
    with tenant_a.context():
        go_online(**TERMS)
        add_card(customer)
        listing = bookable_listing(
            provider=make_provider(user=tenant_a.users["provider"]), title="WLAN setup"
        )
        return captured_payment(listing=listing, customer=customer)


def _refund(handle, payment, amount_minor):
    with handle.context():
        payment_refund(
            payment=payment,
            amount=Money(amount_minor, "CHF"),
            actor=handle.users["admin"],
            reason="Late",
        )
        return JournalEntry.objects.filter(payment=payment, kind="refund").latest("id")


def _note_mails(mailoutbox) -> list:
    return [
        message
        for message in mailoutbox
        if any(name.startswith("refund-note-") for name, _content, _type in message.attachments)
    ]


def test_a_partial_refund_gives_a_note_listed_with_the_receipts(tenant_a, paid):
    entry = _refund(tenant_a, paid, 1000)
    client = tenant_a.session_client("customer")

    listing = client.get("/billing/receipts/").content.decode()
    response = client.get(f"/billing/refund-notes/{entry.pk}.pdf")

    assert f"RN-{entry.pk:06d}" in listing
    assert "CHF\u00a010.00" in listing
    assert f'href="/billing/refund-notes/{entry.pk}.pdf"' in listing
    payment_page = client.get(f"/billing/bookings/{paid.booking_id}/").content.decode()
    assert 'href="/billing/receipts/#refund-notes-heading"' in payment_page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="refund-note-RN-{entry.pk:06d}.pdf"'
    )
    text = pdf_text(response.content)
    assert "Telco Friends" in text
    assert f"Refund note RN-{entry.pk:06d}" in text
    assert f"Original receipt: R-{paid.pk:06d}" in text
    assert f"Booking #{paid.booking_id}: WLAN setup" in text
    assert "Total paid CHF 63.00" in text
    assert "Amount refunded CHF 10.00" in text


def test_a_full_refund_after_a_partial_one_gives_a_second_note(tenant_a, paid):
    first = _refund(tenant_a, paid, 1000)
    second = _refund(tenant_a, paid, 5300)
    client = tenant_a.session_client("customer")

    text = pdf_text(client.get(f"/billing/refund-notes/{second.pk}.pdf").content)
    listing = client.get("/billing/receipts/").content.decode()

    assert "Amount refunded CHF 53.00" in text
    assert f"RN-{first.pk:06d}" in listing
    assert f"RN-{second.pk:06d}" in listing


def test_the_note_is_in_the_customers_language(tenant_a, paid):
    entry = _refund(tenant_a, paid, 1000)
    client = tenant_a.session_client("customer")

    german = pdf_text(
        client.get(f"/billing/refund-notes/{entry.pk}.pdf", HTTP_ACCEPT_LANGUAGE="de").content
    )
    french = pdf_text(
        client.get(f"/billing/refund-notes/{entry.pk}.pdf", HTTP_ACCEPT_LANGUAGE="fr").content
    )
    italian = pdf_text(
        client.get(f"/billing/refund-notes/{entry.pk}.pdf", HTTP_ACCEPT_LANGUAGE="it").content
    )

    assert f"Gutschrift RN-{entry.pk:06d}" in german
    assert "Rückerstatteter Betrag CHF 10.00" in german
    assert f"Ursprüngliche Quittung: R-{paid.pk:06d}" in german
    assert f"Note de remboursement RN-{entry.pk:06d}" in french
    assert "Montant remboursé 10,00 CHF" in french
    assert f"Nota di rimborso RN-{entry.pk:06d}" in italian
    assert "Importo rimborsato CHF 10.00" in italian


def test_the_note_is_mailed_once_even_when_stripe_reports_the_refund_again(
    tenant_a, paid, mailoutbox
):
    customer = tenant_a.users["customer"]
    entry = _refund(tenant_a, paid, 1000)
    refund_id = entry.key.removeprefix("refund:")
    with tenant_a.context():
        customer.preferred_language = "de"
        customer.save(update_fields=["preferred_language"])
        # the webhook reports the same refund: one entry, no second mail
        paid.refresh_from_db()
        record_refunded(payment=paid, refund_id=refund_id, amount_minor=1000)
        outbox_dispatch()
        outbox_dispatch()

    (message,) = _note_mails(mailoutbox)
    assert message.to == [customer.email]
    assert message.subject.endswith(f"Ihre Gutschrift RN-{entry.pk:06d}")
    assert "CHF\u00a010.00" in message.body
    ((name, content, mimetype),) = message.attachments
    assert (name, mimetype) == (f"refund-note-RN-{entry.pk:06d}.pdf", "application/pdf")
    assert "Rückerstatteter Betrag CHF 10.00" in pdf_text(content)


def test_a_customer_cannot_fetch_another_customers_refund_note(tenant_a, paid):
    entry = _refund(tenant_a, paid, 1000)
    with tenant_a.context():
        other = user_create(
            email="otto@telco.test",
            password="correct-horse-battery-staple",
            full_name="Otto Other",
            role=User.Role.CUSTOMER,
        )
    client = tenant_a.client()
    with tenant_a.context():
        client.force_login(other)

    response = client.get(f"/billing/refund-notes/{entry.pk}.pdf")
    listing = client.get("/billing/receipts/").content.decode()

    assert response.status_code == 404
    assert response["Content-Type"] != "application/pdf"
    assert f"RN-{entry.pk:06d}" not in listing
    for role in ("provider", "admin"):
        assert (
            tenant_a.session_client(role).get(f"/billing/refund-notes/{entry.pk}.pdf").status_code
            == 404
        )


@pytest.mark.parametrize("bad", ["0", "99999999"])
def test_an_unknown_note_is_a_404(tenant_a, paid, bad):
    response = tenant_a.session_client("customer").get(f"/billing/refund-notes/{bad}.pdf")
    assert response.status_code == 404


def test_a_capture_entry_is_not_a_refund_note(tenant_a, paid):
    with tenant_a.context():
        capture = JournalEntry.objects.get(payment=paid, kind="capture")
    response = tenant_a.session_client("customer").get(f"/billing/refund-notes/{capture.pk}.pdf")
    assert response.status_code == 404


@pytest.mark.parametrize("bad", ["99999999999999999999", "-1", "1x"])
def test_an_absurd_id_is_a_404_never_a_500(tenant_a, bad):
    client = tenant_a.session_client("customer")
    assert client.get(f"/billing/refund-notes/{bad}.pdf").status_code == 404
    provider = tenant_a.session_client("provider")
    assert provider.post(f"/billing/bookings/{bad}/cash/").status_code == 404
