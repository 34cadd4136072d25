"""Cash paid on site, through the booking page: what each side is told, and the
provider's "Mark cash received" button (service, page, permission, replay)."""

import pytest

from quartier.billing import ledger
from quartier.billing.models import JournalEntry, Payment
from quartier.billing.services.cash import cash_received_mark
from quartier.bookings.services.requests import booking_request_slot
from quartier.platform.errors import Conflict, NotFound
from tests.billing.factories import complete, confirmed
from tests.bookings.factories import bookable_listing, next_local
from tests.catalog.factories import make_provider


@pytest.fixture
def listing(tenant_a):
    with tenant_a.context():  # offline is every marketplace's default; 10 % commission
        return bookable_listing(
            provider=make_provider(user=tenant_a.users["provider"], display_name="Anna K.")
        )


def _parties() -> dict:
    return {party: balance for (party, _currency), balance in ledger.party_balances().items()}


def _page(handle, role, booking) -> str:
    response = handle.session_client(role).get(f"/bookings/{booking.pk}/")
    assert response.status_code == 200
    return response.content.decode().replace("\xa0", " ")


def test_both_sides_read_what_is_paid_on_site(tenant_a, listing):
    with tenant_a.context():
        booking = booking_request_slot(
            listing=listing, customer=tenant_a.users["customer"], starts_at=next_local(10)
        )
    # before confirmation the customer already knows what to bring; no button yet
    customer_page = _page(tenant_a, "customer", booking)
    assert "Pay CHF 60.00 on site to Anna K." in customer_page
    assert "Mark cash received" not in _page(tenant_a, "provider", booking)

    with tenant_a.context():
        booking = confirmed(
            listing=listing, customer=tenant_a.users["customer"], starts_at=next_local(14)
        )
    provider_page = _page(tenant_a, "provider", booking)
    assert "The customer pays you CHF 60.00 on site." in provider_page
    assert "Mark cash received" in provider_page
    assert "Mark cash received" not in _page(tenant_a, "customer", booking)


def test_marking_cash_received_records_the_payment_and_the_commission_once(tenant_a, listing):
    with tenant_a.context():
        booking = confirmed(listing=listing, customer=tenant_a.users["customer"])
    client = tenant_a.session_client("provider")

    first = client.post(f"/billing/bookings/{booking.pk}/cash/")
    replay = client.post(f"/billing/bookings/{booking.pk}/cash/")

    assert first.status_code == replay.status_code == 302
    assert first["Location"] == f"/bookings/{booking.pk}/"
    with tenant_a.context():
        payment = Payment.objects.get(booking=booking)
        assert (payment.status, payment.captured_minor, payment.commission_minor) == (
            "offline",
            6000,
            600,
        )
        kinds = sorted(JournalEntry.objects.filter(payment=payment).values_list("kind", flat=True))
        assert kinds == ["commission", "offline_payment"]
        assert ledger.trial_balance() == {"CHF": 0}
        assert _parties() == {f"provider:{listing.provider.pk}": 600, "platform": -600}
        # completing the job afterwards posts nothing more
        complete(booking)
        assert JournalEntry.objects.filter(payment=payment).count() == 2
        assert _parties() == {f"provider:{listing.provider.pk}": 600, "platform": -600}
    page = _page(tenant_a, "provider", booking)
    assert "Paid on site: CHF 60.00, received on" in page
    assert "Mark cash received" not in page
    earnings = tenant_a.session_client("provider").get("/workspace/earnings/").content.decode()
    earnings = earnings.replace("\xa0", " ")
    assert 'id="earnings-commission-owed">CHF 6.00' in earnings


def test_only_the_bookings_provider_may_mark_cash_received(tenant_a, listing):
    with tenant_a.context():
        booking = confirmed(listing=listing, customer=tenant_a.users["customer"])
    for role in ("customer", "admin"):
        response = tenant_a.session_client(role).post(f"/billing/bookings/{booking.pk}/cash/")
        assert response.status_code == 404
    anonymous = tenant_a.client().post(f"/billing/bookings/{booking.pk}/cash/")
    assert anonymous.status_code == 302  # to the sign-in page
    assert "login" in anonymous["Location"]
    with tenant_a.context():
        assert Payment.objects.get(booking=booking).status == "pending"
        assert not JournalEntry.objects.exists()
        with pytest.raises(NotFound):
            cash_received_mark(booking_id=booking.pk, user=tenant_a.users["customer"])


def test_cash_cannot_be_marked_before_the_booking_is_confirmed(tenant_a, listing):
    with tenant_a.context():
        booking = booking_request_slot(
            listing=listing, customer=tenant_a.users["customer"], starts_at=next_local(10)
        )
    response = tenant_a.session_client("provider").post(f"/billing/bookings/{booking.pk}/cash/")
    assert response.status_code == 409
    assert "once the booking is confirmed" in response.content.decode()
    with tenant_a.context():
        assert not Payment.objects.filter(booking=booking).exists()
        with pytest.raises(Conflict):
            cash_received_mark(booking_id=booking.pk, user=tenant_a.users["provider"])


@pytest.mark.parametrize("bad", ["abc", "0", "99999999"])
def test_a_bad_booking_id_is_a_404_never_a_500(tenant_a, listing, bad):
    response = tenant_a.session_client("provider").post(f"/billing/bookings/{bad}/cash/")
    assert response.status_code == 404


def test_get_is_refused(tenant_a, listing):
    with tenant_a.context():
        booking = confirmed(listing=listing, customer=tenant_a.users["customer"])
    response = tenant_a.session_client("provider").get(f"/billing/bookings/{booking.pk}/cash/")
    assert response.status_code == 405


def test_the_page_is_translated(tenant_a, listing):
    with tenant_a.context():
        booking = confirmed(listing=listing, customer=tenant_a.users["customer"])
    client = tenant_a.session_client("provider")
    page = client.get(f"/bookings/{booking.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Bargeld erhalten" in page


def test_an_online_marketplace_shows_no_cash_section(tenant_a, listing):
    from tests.billing.factories import go_online

    with tenant_a.context():
        go_online()
        booking = booking_request_slot(
            listing=listing, customer=tenant_a.users["customer"], starts_at=next_local(10)
        )
    assert 'id="cash-payment"' not in _page(tenant_a, "customer", booking)
    assert 'id="cash-payment"' not in _page(tenant_a, "provider", booking)


def test_the_payment_page_says_the_helper_is_paid_on_site(tenant_a, listing):
    with tenant_a.context():
        booking = confirmed(listing=listing, customer=tenant_a.users["customer"])
    client = tenant_a.session_client("customer")

    page = client.get(f"/billing/bookings/{booking.pk}/").content.decode()

    assert '<dd id="payment-status">You pay the helper on site.</dd>' in page
