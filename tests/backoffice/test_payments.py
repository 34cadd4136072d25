"""Back-office payments: the filtered list, a payment with its ledger, refunds by form."""

import re

import pytest
from django.utils import translation

from quartier.billing.models import JournalEntry, Payment
from quartier.marketplace.models import AuditEntry, IdempotencyKey
from tests.backoffice.test_pages import _unlabelled
from tests.billing.factories import add_card, captured_payment, complete, confirmed, go_online
from tests.bookings.factories import bookable_listing, next_local
from tests.catalog.factories import make_provider

pytestmark = pytest.mark.usefixtures("stripe")
REFUNDS = ("POST", "/v1/refunds")


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.activate("en")


@pytest.fixture
def paid(tenant_a) -> Payment:
    """A captured card payment of CHF 1'250.00 (a price that shows the grouping)."""
    customer = tenant_a.users["customer"]
    with tenant_a.context():
        go_online()
        add_card(customer)
        listing = bookable_listing(
            provider=make_provider(user=tenant_a.users["provider"]), title="WLAN setup", francs=1250
        )
        return captured_payment(listing=listing, customer=customer)


def _token(html: str) -> str:
    return re.search(r'name="refund-token" value="([^"]+)"', html).group(1)


def _refund(client, payment, *, amount="12.50", reason="Arrived late", token=None, **headers):
    if token is None:
        token = _token(client.get(f"/back-office/payments/{payment.pk}/").content.decode())
    return client.post(
        f"/back-office/payments/{payment.pk}/refund/",
        {"refund-amount": amount, "refund-reason": reason, "refund-token": token},
        **headers,
    )


def _state(tenant, payment) -> tuple:
    with tenant.context():
        fresh = Payment.objects.get(pk=payment.pk)
        return (
            fresh.status,
            fresh.refunded_minor,
            JournalEntry.objects.filter(payment=fresh, kind="refund").count(),
        )


# The list


def test_the_list_shows_each_payment_with_amounts_formatted_for_the_language(tenant_a, paid):
    client = tenant_a.session_client("admin")

    english = client.get("/back-office/payments/").content.decode()
    german = client.get("/back-office/payments/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert f'href="/back-office/payments/{paid.pk}/"' in english
    assert "CHF\u00a01,250.00" in english or "CHF\u00a01’250.00" in english
    assert "CHF\u00a01’250.00" in german
    assert _unlabelled(english) == []


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("status=captured", True),
        ("status=refunded", False),
        ("email=CUSTOMER@", True),
        ("email=nobody", False),
        ("start=2000-01-01&end=2999-12-31", True),
        ("end=2000-01-01", False),
    ],
)
def test_filters_narrow_the_list(tenant_a, paid, query, shown):
    html = tenant_a.session_client("admin").get(f"/back-office/payments/?{query}").content.decode()

    assert (f'href="/back-office/payments/{paid.pk}/"' in html) is shown


def test_the_helper_filter_shows_only_their_payments(tenant_a, paid):
    with tenant_a.context():
        other = make_provider(display_name="Other helper")
    client = tenant_a.session_client("admin")

    theirs = client.get(f"/back-office/payments/?provider={paid.booking.provider_id}")
    others = client.get(f"/back-office/payments/?provider={other.pk}")

    assert f"/back-office/payments/{paid.pk}/" in theirs.content.decode()
    assert f"/back-office/payments/{paid.pk}/" not in others.content.decode()


@pytest.mark.parametrize(
    "query", ["start=31.12.2026", "start=2026-02-30", "status=stolen", "provider=abc", "page=x"]
)
def test_bad_filters_are_form_errors_never_a_500(tenant_a, paid, query):
    response = tenant_a.session_client("admin").get(f"/back-office/payments/?{query}")

    assert response.status_code == (200 if query == "page=x" else 400)


def test_an_end_before_the_start_is_refused_beside_the_field(tenant_a, paid):
    response = tenant_a.session_client("admin").get(
        "/back-office/payments/?start=2026-03-02&end=2026-03-01"
    )

    assert response.status_code == 400
    assert response.context["form"].errors["end"] == ["The end must not be before the start."]


def test_the_list_is_paginated_and_keeps_its_filters(tenant_a):
    customer = tenant_a.users["customer"]
    with tenant_a.context():
        listing = bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))
        for day in range(27):
            complete(
                confirmed(
                    listing=listing,
                    customer=customer,
                    starts_at=next_local(10, days_ahead=day + 2),
                ),
                hours_ago=24 * (day + 1),
            )
    client = tenant_a.session_client("admin")

    first = client.get("/back-office/payments/?status=offline").content.decode()
    second = client.get("/back-office/payments/?status=offline&page=2").content.decode()

    assert len(re.findall(r'href="/back-office/payments/\d+/"', first)) == 25
    assert "?status=offline&amp;page=2" in first
    assert len(re.findall(r'href="/back-office/payments/\d+/"', second)) == 2


@pytest.mark.parametrize("role", ["customer", "provider"])
def test_customers_and_providers_get_403(tenant_a, paid, role):
    client = tenant_a.session_client(role)

    assert client.get("/back-office/payments/").status_code == 403
    assert client.get(f"/back-office/payments/{paid.pk}/").status_code == 403
    assert _refund(client, paid, token="a" * 32).status_code == 403
    assert _state(tenant_a, paid) == ("captured", 0, 0)


# One payment


def test_the_detail_shows_the_amounts_and_every_ledger_line(tenant_a, paid):
    response = tenant_a.session_client("admin").get(f"/back-office/payments/{paid.pk}/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    with tenant_a.context():
        accounts = {
            line.account
            for entry in JournalEntry.objects.filter(payment=paid)
            for line in entry.lines.all()
        }
    assert accounts
    assert all(f"<code>{account}</code>" in html for account in accounts)
    assert "Card charged" in html
    assert _unlabelled(html) == []


def test_an_unknown_payment_is_404(tenant_a):
    assert tenant_a.session_client("admin").get("/back-office/payments/999999/").status_code == 404


# Refunds


def test_a_partial_refund_in_francs_is_recorded_with_its_reason(tenant_a, paid, stripe):
    client = tenant_a.session_client("admin")

    response = _refund(client, paid, amount="12,50", reason="Arrived late")

    assert response.status_code == 302
    assert _state(tenant_a, paid) == ("captured", 1250, 1)
    with tenant_a.context():
        entry = JournalEntry.objects.get(payment=paid, kind="refund")
        audit = AuditEntry.objects.get(action="payment.refund", subject_id=paid.pk)
    assert entry.memo.endswith(": Arrived late")
    assert (audit.reason, audit.after["refunded_minor"]) == ("Arrived late", 1250)
    page = client.get(response["Location"]).content.decode()
    assert page.count("CHF\u00a012.50 refunded.") == 1  # one message, shown once


def test_a_full_refund_marks_the_payment_refunded_and_leaves_nothing_to_refund(tenant_a, paid):
    client = tenant_a.session_client("admin")

    assert _refund(client, paid, amount="1250.00").status_code == 302

    assert _state(tenant_a, paid) == ("refunded", 125000, 1)
    html = client.get(f"/back-office/payments/{paid.pk}/").content.decode()
    assert 'name="refund-amount"' not in html


def test_the_same_form_submitted_twice_refunds_once(tenant_a, paid, stripe):
    client = tenant_a.session_client("admin")
    token = _token(client.get(f"/back-office/payments/{paid.pk}/").content.decode())
    before = stripe.processed(*REFUNDS)

    first = _refund(client, paid, amount="100", token=token)
    second = _refund(client, paid, amount="100", token=token)

    assert (first.status_code, second.status_code) == (302, 302)
    assert _state(tenant_a, paid) == ("captured", 10000, 1)
    assert stripe.processed(*REFUNDS) - before == 1
    assert "This refund was already made." in client.get(second["Location"]).content.decode()


def test_a_new_form_refunds_again_up_to_the_remainder(tenant_a, paid):
    client = tenant_a.session_client("admin")

    assert _refund(client, paid, amount="1000").status_code == 302
    assert _refund(client, paid, amount="250").status_code == 302
    too_much = _refund(client, paid, amount="0.01", token="c" * 32)

    assert _state(tenant_a, paid) == ("refunded", 125000, 2)
    assert too_much.status_code == 400  # nothing left: the form is gone and refuses


@pytest.mark.parametrize(
    ("amount", "reason", "field"),
    [
        ("", "Late", "amount"),
        ("abc", "Late", "amount"),
        ("1e3", "Late", "amount"),
        ("-5", "Late", "amount"),
        ("0", "Late", "amount"),
        ("12.345", "Late", "amount"),
        ("1250.01", "Late", "amount"),
        ("NaN", "Late", "amount"),
        ("١٢", "Late", "amount"),
        ("10", "", "reason"),
        ("10", "   ", "reason"),
    ],
)
def test_bad_refund_input_is_a_form_error_and_nothing_is_refunded(
    tenant_a, paid, stripe, amount, reason, field
):
    before = stripe.processed(*REFUNDS)

    response = _refund(tenant_a.session_client("admin"), paid, amount=amount, reason=reason)

    assert response.status_code == 400
    assert response.context["refund_form"].errors[field]
    assert _state(tenant_a, paid) == ("captured", 0, 0)
    assert stripe.processed(*REFUNDS) == before


def test_the_refund_errors_are_translated(tenant_a, paid):
    response = _refund(
        tenant_a.session_client("admin"),
        paid,
        amount="2000",
        HTTP_ACCEPT_LANGUAGE="de",
    )

    errors = response.context["refund_form"].errors["amount"]
    assert response.status_code == 400
    assert errors == ["Erstatten Sie zwischen CHF\u00a00.01 und CHF\u00a01’250.00."]


def test_a_forged_token_is_refused(tenant_a, paid):
    response = _refund(tenant_a.session_client("admin"), paid, token="short")

    assert response.status_code == 400
    assert _state(tenant_a, paid) == ("captured", 0, 0)


def test_when_stripe_fails_nothing_is_written_and_the_same_form_works_later(tenant_a, paid, stripe):
    client = tenant_a.session_client("admin")
    token = _token(client.get(f"/back-office/payments/{paid.pk}/").content.decode())
    stripe.fail_next("/v1/refunds", "500", count=10)

    failed = _refund(client, paid, amount="100", token=token)

    assert failed.status_code == 503
    assert "The payment provider did not answer" in failed.content.decode()
    assert _state(tenant_a, paid) == ("captured", 0, 0)
    with tenant_a.context():
        assert not IdempotencyKey.objects.filter(key__contains=token).exists()
        assert not AuditEntry.objects.filter(action="payment.refund").exists()

    stripe.clear_faults()
    retried = _refund(client, paid, amount="100", token=token)

    assert retried.status_code == 302
    assert _state(tenant_a, paid) == ("captured", 10000, 1)


def test_an_answer_lost_after_stripe_refunded_is_replayed_not_repeated(tenant_a, paid, stripe):
    before = stripe.processed(*REFUNDS)
    # Stripe refunds, but its answer never arrives: the gateway asks again, same key
    stripe.fail_next("/v1/refunds", "stall", count=1, stall_seconds=2)

    response = _refund(tenant_a.session_client("admin"), paid, amount="100")

    assert response.status_code == 302
    assert _state(tenant_a, paid) == ("captured", 10000, 1)
    assert stripe.processed(*REFUNDS) - before == 1


def test_a_payment_made_on_site_offers_no_refund(tenant_a):
    with tenant_a.context():
        listing = bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))
        booking = complete(confirmed(listing=listing, customer=tenant_a.users["customer"]))
        payment = Payment.objects.get(booking=booking)
    client = tenant_a.session_client("admin")

    html = client.get(f"/back-office/payments/{payment.pk}/").content.decode()
    response = _refund(client, payment, token="b" * 32)

    assert 'name="refund-amount"' not in html
    assert response.status_code == 400
    assert _state(tenant_a, payment) == ("offline", 0, 0)
