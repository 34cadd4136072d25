"""The payout account pages (Stripe Connect onboarding) in the isolation matrix.

Tenant A's helper has a payout account; tenant B's helper (B taking card payments too)
must see only their own standing, and nothing B does touches A's account.
"""

from quartier.billing.models import ConnectedAccount
from quartier.billing.services.connect import connected_account_onboard
from tests.billing.factories import go_online
from tests.catalog.factories import tenant_provider
from tests.tenancy.matrix import MARKER, Endpoint


def _ready_account(handle):
    go_online()
    provider = tenant_provider(handle, display_name=MARKER)
    ConnectedAccount.objects.create(
        provider=provider, stripe_account_id=f"acct_{MARKER}", payouts_enabled=True
    )
    return {"marker": MARKER}


def _onboarded(handle):
    go_online()
    provider = tenant_provider(handle, display_name=MARKER)
    connected_account_onboard(
        provider=provider, refresh_url="https://x.test/", return_url="https://x.test/"
    )
    return {"marker": MARKER}


def _online_provider(handle):
    go_online()
    tenant_provider(handle, display_name="Other tenant's helper")


def _account_state(handle):
    with handle.context():
        return list(
            ConnectedAccount.objects.values_list("pk", "stripe_account_id", "payouts_enabled")
        )


def _page(route, **fields) -> Endpoint:
    fields.setdefault("actor", "provider")
    fields.setdefault("make_other", _online_provider)
    fields.setdefault("state", _account_state)
    return Endpoint(route, is_api=False, **fields)


ENDPOINTS = [
    # B's helper sees their own (empty) standing, never A's ready account
    _page("workspace/payouts/", make=_ready_account, cross=200, cross_contains="Set up payouts"),
    _page(
        "workspace/payouts/onboard/",
        method="post",
        make=_onboarded,
        ok=302,
        cross=302,
    ),
    # A's account is retrieved for A; B has none, so B is sent to their payouts page
    _page("workspace/payouts/return/", make=_onboarded, cross=302),
    _page("workspace/payouts/refresh/", make=_onboarded, cross=200),
]
