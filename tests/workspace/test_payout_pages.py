"""The helper's money pages: Stripe Connect Express onboarding from the workspace, round
trip against the Connect test server, and earnings that equal the ledger's."""

import re

import pytest
from django.conf import settings
from django.test import Client

from quartier.billing import ledger
from quartier.billing.models import ConnectedAccount, Payout
from quartier.bookings.models import Booking
from tests.billing.factories import (
    add_card,
    complete,
    confirmed,
    deliver,
    event,
    go_online,
    push,
)
from tests.bookings.factories import bookable_listing, next_local
from tests.catalog.factories import make_provider

pytestmark = pytest.mark.usefixtures("stripe")


@pytest.fixture
def helper(tenant_a):
    with tenant_a.context():
        return make_provider(user=tenant_a.users["provider"], display_name="Lea M.")


def _text(response) -> str:
    return response.content.decode().replace("\xa0", " ")


def test_onboarding_round_trip_from_the_earnings_page(tenant_a, helper, stripe):
    with tenant_a.context():
        go_online()
    client = tenant_a.session_client("provider")

    # the dashboard and the earnings page both offer the next step
    dashboard = _text(client.get("/dashboard/provider/"))
    assert 'id="payout-next-step"' in dashboard
    assert 'href="/workspace/payouts/"' in dashboard
    earnings = _text(client.get("/workspace/earnings/"))
    assert 'action="/workspace/payouts/onboard/"' in earnings
    assert "Set up payouts" in earnings

    # start: an Express account and a link back to the tenant's own host
    started = client.post("/workspace/payouts/onboard/")
    assert started.status_code == 302
    with tenant_a.context():
        account = ConnectedAccount.objects.get(provider=helper)
    assert started["Location"] == f"https://connect.stripe.test/setup/{account.stripe_account_id}"
    link = stripe.state.links[-1]
    assert link["account"] == account.stripe_account_id
    assert link["type"] == "account_onboarding"
    assert link["return_url"] == f"http://{tenant_a.host}/workspace/payouts/return/"
    assert link["refresh_url"] == f"http://{tenant_a.host}/workspace/payouts/refresh/"

    # Stripe sends them back before they finished: the page says what is still due
    back = _text(client.get("/workspace/payouts/return/"))
    assert "Not finished" in back
    assert re.search(r"Stripe still needs \d+ details from you", back)
    assert "Continue payout setup" in back

    # the link expired: the refresh page offers a fresh one; resuming keeps the account
    refreshed = _text(client.get("/workspace/payouts/refresh/"))
    assert "The setup link expired" in refreshed
    resumed = client.post("/workspace/payouts/onboard/")
    assert resumed["Location"] == started["Location"]
    with tenant_a.context():
        assert ConnectedAccount.objects.filter(provider=helper).count() == 1

    # Stripe finishes the account: the return page retrieves it and says it is ready
    stripe.enable_payouts(account.stripe_account_id)
    stripe.state.accounts[account.stripe_account_id]["requirements"]["currently_due"] = []
    done = _text(client.get("/workspace/payouts/return/"))
    assert "Payouts are enabled" in done
    assert "Stripe still needs" not in done
    # the page only read; Stripe's account.updated event brings the stored flags along
    with tenant_a.context():
        assert ConnectedAccount.objects.get(provider=helper).payouts_enabled is False
    delivered = deliver(
        Client(), event(stripe.state.accounts[account.stripe_account_id], "account.updated")
    )
    assert delivered.status_code == 200
    with tenant_a.context():
        assert ConnectedAccount.objects.get(provider=helper).payouts_enabled is True
    assert 'id="payout-next-step"' not in _text(client.get("/dashboard/provider/"))
    assert "Payouts are enabled" in _text(client.get("/workspace/earnings/"))


def test_stripe_down_is_a_translated_503_and_no_account(tenant_a, helper, stripe):
    with tenant_a.context():
        go_online()
    stripe.fail_next("/v1/accounts", "500", count=settings.STRIPE_ATTEMPTS)

    response = tenant_a.session_client("provider").post(
        "/workspace/payouts/onboard/", HTTP_ACCEPT_LANGUAGE="de"
    )

    assert response.status_code == 503
    assert "Der Zahlungsdienstleister hat nicht geantwortet" in _text(response)
    with tenant_a.context():
        assert not ConnectedAccount.objects.exists()


def test_a_cash_only_marketplace_has_nothing_to_onboard(tenant_a, helper):
    client = tenant_a.session_client("provider")

    page = _text(client.get("/workspace/payouts/"))
    refused = client.post("/workspace/payouts/onboard/")

    assert "you need no payout account" in page
    assert refused.status_code == 409
    assert "nothing to pay out" in _text(refused)
    assert 'id="payout-next-step"' not in _text(client.get("/dashboard/provider/"))
    with tenant_a.context():
        assert not ConnectedAccount.objects.exists()


def test_the_return_page_without_an_account_goes_to_the_payouts_page(tenant_a, helper):
    response = tenant_a.session_client("provider").get("/workspace/payouts/return/")
    assert response.status_code == 302
    assert response["Location"] == "/workspace/payouts/"


def test_a_customer_without_a_helper_profile_is_sent_to_the_wizard(tenant_a):
    client = tenant_a.session_client("customer")
    for method, path in [
        ("get", "/workspace/payouts/"),
        ("post", "/workspace/payouts/onboard/"),
        ("get", "/workspace/payouts/return/"),
    ]:
        response = getattr(client, method)(path)
        assert response.status_code == 302
        assert response["Location"] == "/workspace/start/profile/"
    with tenant_a.context():
        assert not ConnectedAccount.objects.exists()


def _money(text: str, element_id: str) -> int:
    """The amount in minor units shown in <dd id="element_id">CHF 12.34</dd>."""
    found = re.search(rf'id="{element_id}">CHF (-?[\d\']+)\.(\d\d)<', text)
    assert found, element_id
    return int(found.group(1).replace("'", "")) * 100 + int(found.group(2))


def test_earnings_page_figures_equal_the_ledgers_for_card_and_cash_jobs(
    tenant_a, helper, django_capture_on_commit_callbacks
):
    customer = tenant_a.users["customer"]
    with tenant_a.context():
        listing = bookable_listing(provider=helper, title="Router help")
        # two cash jobs while the marketplace is paid on site: one marked received, one done
        marked = confirmed(listing=listing, customer=customer, starts_at=next_local(9))
        cash_done = confirmed(listing=listing, customer=customer, starts_at=next_local(12))
        complete(cash_done, hours_ago=30)
    client = tenant_a.session_client("provider")
    assert client.post(f"/billing/bookings/{marked.pk}/cash/").status_code == 302
    with tenant_a.context():
        go_online(commission_basis_points=1000, commission_fixed_minor=50)
        add_card(customer)
        card_done = confirmed(listing=listing, customer=customer, starts_at=next_local(15))
        push(card_done)
        push(complete(card_done, hours_ago=3))
        card_booked = confirmed(
            listing=listing, customer=customer, starts_at=next_local(10, days_ahead=3)
        )
        push(card_booked)
        Payout.objects.create(
            provider=helper, amount_minor=1000, currency="CHF", status=Payout.Status.PAID
        )
        balances = ledger.account_balances(prefix=f"provider:{helper.pk}:")
        party = sum(balances.values())
        assert Booking.objects.filter(provider=helper).count() == 4

    page = _text(client.get("/workspace/earnings/"))

    # what the helper is owed is the ledger's party balance (card earnings net of the
    # commission owed on cash jobs); the cash commission is shown apart when it wins
    assert party < 0, balances
    assert _money(page, "earnings-available") == -party
    assert 'id="earnings-commission-owed"' not in page
    # pending: the booked card job's price, not yet captured
    assert _money(page, "earnings-pending") == 6000
    assert _money(page, "earnings-paid-out") == 1000
    for booking in (marked, cash_done, card_done, card_booked):
        assert f'id="earning-{booking.pk}"' in page


def test_only_pages_with_the_onboarding_form_may_send_it_to_stripe(tenant_a, helper):
    client = tenant_a.session_client("provider")
    origin = settings.STRIPE_CONNECT_ORIGIN

    for path in ("/workspace/payouts/", "/workspace/earnings/", "/workspace/payouts/refresh/"):
        policy = client.get(path)["Content-Security-Policy"]
        form_action = next(part for part in policy.split(";") if "form-action" in part)
        assert origin in form_action, path
    assert origin not in client.get("/dashboard/provider/")["Content-Security-Policy"]
