"""Billing endpoints in the isolation matrix (see tests/tenancy/matrix.py).

Routes under api/billing/ run with the Stripe test servers configured (the matrix test
module asks for the `stripe` fixture for them).
"""

import itertools

from quartier.billing import gateway, ledger
from quartier.billing.models import BillingCustomer, ConnectedAccount, JournalEntry, Payment, Payout
from quartier.billing.services.connect import connected_account_onboard
from quartier.billing.services.payments import payment_refund
from quartier.billing.services.settings import payout_settings_get
from quartier.bookings.services.requests import booking_request_slot
from quartier.platform.money import Money
from tests.billing.factories import add_card, captured_payment, complete, confirmed, go_online
from tests.bookings.factories import bookable_listing, next_local
from tests.catalog.factories import tenant_provider
from tests.tenancy.matrix import AGAIN, MARKER, Endpoint


def _own_profile(handle):
    return tenant_provider(handle, display_name=MARKER)


def _offline_payment(handle):
    listing = bookable_listing(provider=_own_profile(handle), title=MARKER)
    booking = complete(confirmed(listing=listing, customer=handle.users["customer"]))
    return {"pk": booking.payment.pk}


def _online_payment(handle):
    go_online()
    add_card(handle.users["customer"])
    listing = bookable_listing(provider=_own_profile(handle), title=MARKER)
    return {"pk": captured_payment(listing=listing, customer=handle.users["customer"]).pk}


def _card(handle):
    method = gateway.call(
        "payment_methods",
        "create",
        type="card",
        card={"number": "4242424242424242", "exp_month": "12", "exp_year": "2030", "cvc": "123"},
    )
    return {"pm": method.id}


def _attached_card(handle):
    add_card(handle.users["customer"])
    return _card(handle) | {"attached": handle.users["customer"].billing.default_payment_method_id}


def _account(handle):
    account = ConnectedAccount.objects.create(
        provider=_own_profile(handle), stripe_account_id=f"acct_{MARKER}"
    )
    return {"marker": account.stripe_account_id}


def _onboarded(handle):
    account, _url = connected_account_onboard(
        provider=_own_profile(handle), refresh_url="https://x.test/", return_url="https://x.test/"
    )
    return {"account": account.stripe_account_id}


def _entry(handle):
    ledger.entry_post(
        key=f"isolation:{MARKER}",
        kind="capture",
        memo=MARKER,
        lines=[
            (ledger.STRIPE_BALANCE, Money(100, "CHF")),
            (ledger.PLATFORM_FEES, Money(-100, "CHF")),
        ],
    )
    return {"marker": MARKER}


def _marked_statement(handle):
    return _offline_payment(handle) | {"marker": MARKER}


_days = itertools.count(3)


def _another_payment(handle, params):
    """A job done days ago (each on a day of its own), paid offline."""
    days = next(_days)
    listing = bookable_listing(provider=_own_profile(handle), title=MARKER)
    booking = confirmed(
        listing=listing,
        customer=handle.users["customer"],
        starts_at=next_local(10, days_ahead=days),
    )
    complete(booking, hours_ago=24 * days)


def _payout(handle):
    Payout.objects.create(
        provider=_own_profile(handle), amount_minor=5000, currency="CHF", status="paid"
    )
    return {}


def _another_entry(handle, params):
    ledger.entry_post(
        key=f"isolation:{MARKER}:{next(_days)}",
        kind="capture",
        memo=MARKER,
        lines=[
            (ledger.STRIPE_BALANCE, Money(100, "CHF")),
            (ledger.PLATFORM_FEES, Money(-100, "CHF")),
        ],
    )


def _settings_state(handle):
    with handle.context():
        return payout_settings_get().commission_basis_points


def _payment_state(handle):
    with handle.context():
        return list(Payment.objects.values_list("pk", "status", "refunded_minor"))


def _account_state(handle):
    with handle.context():
        return list(ConnectedAccount.objects.values_list("pk", "stripe_account_id"))


def _ledger_state(handle):
    with handle.context():
        return list(JournalEntry.objects.values_list("key", flat=True))


def _requested_online(handle):
    go_online()
    listing = bookable_listing(provider=_own_profile(handle), title=MARKER)
    booking = booking_request_slot(
        listing=listing, customer=handle.users["customer"], starts_at=next_local(10)
    )
    return {"pk": booking.pk, "marker": MARKER}


def _requested_with_card(handle):
    add_card(handle.users["customer"])
    return _requested_online(handle)


def _marked_receipt(handle):
    # The receipts list shows the listing's title (MARKER) of each captured payment.
    return _online_payment(handle) | {"marker": MARKER}


def _confirmed_cash(handle):
    """A confirmed booking of the tenant's own provider, to be paid on site."""
    listing = bookable_listing(provider=_own_profile(handle), title=MARKER)
    booking = confirmed(listing=listing, customer=handle.users["customer"])
    return {"pk": booking.pk}


def _refund_note(handle):
    """A captured card payment of the tenant's customer, CHF 1.00 of it refunded."""
    payment = Payment.objects.get(pk=_online_payment(handle)["pk"])
    _refund(payment)
    entry = JournalEntry.objects.filter(payment=payment, kind="refund").latest("id")
    return {"pk": entry.pk, "payment": payment.pk, "marker": MARKER}


def _refund(payment):
    payment_refund(payment=payment, amount=Money(100, "CHF"), actor=None, reason=MARKER)


def _another_refund(handle, params):
    _refund(Payment.objects.get(pk=params["payment"]))


def _saved_card_state(handle):
    with handle.context():
        return list(BillingCustomer.objects.values_list("pk", "default_payment_method_id"))


ENDPOINTS = [
    Endpoint("api/billing/settings/", actor="admin", cross=200),
    Endpoint(
        "api/billing/settings/",
        method="patch",
        actor="admin",
        body=lambda p: {"commission_basis_points": 1234},
        cross=200,
        state=_settings_state,
    ),
    Endpoint(
        "api/billing/payment-method/",
        method="post",
        actor="customer",
        make=_attached_card,
        body=lambda p: {"payment_method": p["attached"]},
        ok=204,
        cross=400,
        label="someone else's card",
    ),
    Endpoint(
        "api/billing/payment-method/",
        method="post",
        actor="customer",
        make=_card,
        body=lambda p: {"payment_method": p["pm"]},
        ok=204,
        cross=204,
    ),
    Endpoint(
        "api/billing/payments/",
        actor="customer",
        make=_offline_payment,
        cross=200,
        grow=_another_payment,
    ),
    Endpoint(
        "api/billing/payments/<int:pk>/",
        actor="customer",
        path="/api/billing/payments/{pk}/",
        make=_offline_payment,
    ),
    Endpoint(
        "api/billing/payments/<int:pk>/retry/",
        method="post",
        actor="customer",
        path="/api/billing/payments/{pk}/retry/",
        make=_offline_payment,
        state=_payment_state,
    ),
    Endpoint(
        "api/billing/payments/<int:pk>/refund/",
        method="post",
        actor="admin",
        path="/api/billing/payments/{pk}/refund/",
        make=_online_payment,
        body=lambda p: {"amount": {"amount_minor": 500, "currency": "CHF"}, "reason": "Sorry"},
        state=_payment_state,
    ),
    Endpoint(
        "api/billing/connect/",
        actor="provider",
        make=_account,
        make_other=tenant_provider,
    ),
    Endpoint(
        "api/billing/connect/onboard/",
        method="post",
        actor="provider",
        make=_onboarded,
        make_other=tenant_provider,
        body=lambda p: {},
        cross=200,
        state=_account_state,
    ),
    Endpoint(
        "api/billing/connect/refresh/",
        method="post",
        actor="provider",
        make=_onboarded,
        make_other=tenant_provider,
        state=_account_state,
    ),
    Endpoint("api/billing/payouts/", actor="provider", make=_payout, cross=200, grow=AGAIN),
    Endpoint("api/billing/payouts/run/", method="post", actor="admin", cross=200),
    Endpoint("api/billing/ledger/", actor="admin", make=_entry, cross=200, state=_ledger_state),
    Endpoint(
        "api/billing/ledger/entries/",
        actor="admin",
        make=_entry,
        cross=200,
        state=_ledger_state,
        grow=_another_entry,
    ),
    Endpoint(
        "api/billing/statements/earnings.csv",
        actor="provider",
        make=_marked_statement,
        make_other=tenant_provider,
        cross=200,
        grow=_another_payment,
    ),
    Endpoint(
        "api/billing/reports/commission.csv",
        actor="admin",
        make=_marked_statement,
        cross=200,
        grow=_another_payment,
    ),
    Endpoint(
        "billing/bookings/<int:pk>/card/",
        actor="customer",
        path="/billing/bookings/{pk}/card/",
        make=_requested_online,
        state=_payment_state,
        is_api=False,
    ),
    Endpoint(
        "billing/bookings/<int:pk>/card/",
        method="post",
        actor="customer",
        label="pay with the saved card",
        path="/billing/bookings/{pk}/card/",
        make=_requested_with_card,
        body=lambda p: {"action": "saved"},
        ok=302,
        state=_payment_state,
        is_api=False,
    ),
    Endpoint(
        "billing/bookings/<int:pk>/",
        actor="customer",
        path="/billing/bookings/{pk}/",
        make=_requested_online,
        is_api=False,
    ),
    Endpoint(
        "billing/payment-methods/",
        actor="customer",
        make=_attached_card,
        cross=200,
        is_api=False,
    ),
    Endpoint(
        "billing/payment-methods/",
        method="post",
        actor="customer",
        label="remove",
        make=_attached_card,
        body=lambda p: {"action": "remove"},
        ok=302,
        cross=302,
        state=_saved_card_state,
        is_api=False,
    ),
    Endpoint("billing/receipts/", actor="customer", make=_marked_receipt, cross=200, is_api=False),
    Endpoint(
        "billing/receipts/<int:pk>.pdf",
        actor="customer",
        path="/billing/receipts/{pk}.pdf",
        make=_online_payment,
        is_api=False,
    ),
    Endpoint(
        "billing/bookings/<int:pk>/cash/",
        method="post",
        actor="provider",
        path="/billing/bookings/{pk}/cash/",
        make=_confirmed_cash,
        make_other=tenant_provider,
        ok=302,
        state=_payment_state,
        is_api=False,
    ),
    Endpoint(
        "billing/receipts/",
        actor="customer",
        label="refund notes",
        make=_refund_note,
        cross=200,
        grow=_another_refund,
        is_api=False,
    ),
    Endpoint(
        "billing/refund-notes/<int:pk>.pdf",
        actor="customer",
        path="/billing/refund-notes/{pk}.pdf",
        make=_refund_note,
        is_api=False,
    ),
]
