"""Fixtures of the isolation matrix and the query budget."""

import pytest


@pytest.fixture(autouse=True)
def _payments_backend(request):
    """Billing endpoints talk to Stripe: point them at the test servers."""
    callspec = getattr(request.node, "callspec", None)
    endpoint = callspec.params.get("endpoint") if callspec else None
    if endpoint is not None and endpoint.route.startswith(
        ("api/billing/", "billing/", "back-office/payments/", "workspace/payouts/")
    ):
        request.getfixturevalue("stripe")
