"""The query budget: every list costs as many SQL statements for one row as for several,
and no GET writes.

Each app marks its lists in `tests/<app>/isolation.py` with `grow` (see matrix.py). The
test makes one row (the endpoint's `make`), counts the statements of a request, adds
rows, and counts again. It runs on the session's tenants, so one case takes a second.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.tenancy.matrix import all_endpoints, statuses

ROWS = 5


@pytest.fixture(autouse=True)
def _computed_answers(settings):
    """The budgets are those of computing an answer: shared answers kept for anonymous
    visitors (tenants/response_cache.py, budgeted in test_response_cache.py) are off."""
    settings.RESPONSE_CACHE_SECONDS = 0


ENDPOINTS = all_endpoints()
LISTS = [endpoint for endpoint in ENDPOINTS if endpoint.grow is not None]
# GET API answers that hold a list of rows but are bounded by design, not by the data.
BOUNDED = {
    # one review each way at most
    "GET api/bookings/<int:pk>/reviews/ as-customer",
    # the languages the marketplace offers: its settings, not rows
    "GET api/marketplace/languages/",
}


def _measure(endpoint, client, params):
    endpoint.request(client, params)  # warms the per-process caches (tenant, settings)
    with CaptureQueriesContext(connection) as queries:
        response = endpoint.request(client, params)
    assert response.status_code in statuses(endpoint.ok), response.content[:500]
    return [query["sql"] for query in queries.captured_queries], response


@pytest.mark.parametrize("endpoint", LISTS, ids=[endpoint.id for endpoint in LISTS])
def test_a_list_costs_the_same_for_one_row_as_for_many(endpoint, tenant_a):
    # given one row of what the endpoint lists
    params = endpoint.params(tenant_a)
    client = endpoint.client_for(tenant_a)
    with_one, small = _measure(endpoint, client, params)

    # when there are several
    for _ in range(ROWS - 1):
        endpoint.add_row(tenant_a, params)
    with_many, large = _measure(endpoint, client, params)

    # then the answer shows them, for the same number of statements
    assert len(large.content) > len(small.content), "grow added no row the answer shows"
    assert len(with_many) == len(with_one), "\n".join(with_many)


def _is_a_list(response) -> bool:
    if not response.get("Content-Type", "").startswith("application/json"):
        return False
    body = response.json()
    return isinstance(body, list) or (isinstance(body, dict) and "results" in body)


def test_every_api_list_is_in_the_budget(tenant_a, request):
    request.getfixturevalue("stripe")
    unmarked = [
        endpoint
        for endpoint in ENDPOINTS
        if endpoint.is_api
        and endpoint.method == "get"
        and endpoint.grow is None
        and endpoint.id not in BOUNDED
    ]

    lists = []
    for endpoint in unmarked:
        # Each on its own, rolled back: the endpoints' data need not fit together.
        with transaction.atomic():
            client = endpoint.client_for(tenant_a)
            if _is_a_list(endpoint.request(client, endpoint.params(tenant_a))):
                lists.append(endpoint.id)
            transaction.set_rollback(True)

    assert lists == [], f"give these lists a `grow` in their tests/<app>/isolation.py: {lists}"


WRITES = ("INSERT ", "UPDATE ", "DELETE ")
GETS = [endpoint for endpoint in ENDPOINTS if endpoint.method == "get"]
# GETs that still write, each with its reason; a new one fails the test below.
WRITING_GETS = {
    # Django's password-reset flow keeps the link's token in the session and redirects,
    # so that the token does not stay in the address bar (a session row, no user data).
    "GET accounts/password/set/<uidb64>/<token>/",
    # Setting up an authenticator app or a passkey keeps the secret (or the WebAuthn
    # challenge) in the session until the confirming POST, as allauth.mfa does.
    "GET account/security/app/ as-customer",
    "GET account/security/passkeys/new/ as-customer",
}


@pytest.mark.parametrize("endpoint", GETS, ids=[endpoint.id for endpoint in GETS])
def test_a_get_never_writes(endpoint, tenant_a):
    if endpoint.id in WRITING_GETS:
        pytest.skip("a known writing GET (see WRITING_GETS)")
    params = endpoint.params(tenant_a)
    client = endpoint.client_for(tenant_a)

    with CaptureQueriesContext(connection) as queries:
        response = endpoint.request(client, params)

    assert response.status_code in statuses(endpoint.ok), response.content[:500]
    writes = [query["sql"] for query in queries.captured_queries if query["sql"].startswith(WRITES)]
    assert writes == []


# Statements of one warm request on each path bench/serving.py measures (the hot read
# paths; the largest count of this test and of the benchmark's 10,000 listings). A change
# that adds one must raise its number here, on purpose. Before the per-tenant cache
# (2026-12-04): search 5, home 1, results 8, dashboard 20. Before the read models
# (2026-12-05): listing API 2 (listing, photos), search 3 (tsquery parse, search,
# photos), results page 11 with cards (those three, the badges twice, the profiles,
# five calendar reads), listing page 3 (listing, photos, reviews).
SERVING_BUDGETS = {
    "listing_api": 1,
    "search_api": 1,
    "bookings_api": 2,
    "home": 0,
    "results_page": 7,  # search, profiles, five calendar reads for "next free"
    "listing_page": 2,
    "provider_dashboard": 20,  # + the payout account for "next step: set up payouts"
}


def _serving_requests(handle):
    """(client, path) of each measured path, on `handle` with one bookable listing and
    one booking of its customer."""
    from quartier.bookings.services.requests import booking_request_slot
    from tests.bookings.factories import next_local
    from tests.bookings.isolation import _listing

    with handle.context():
        listing = _listing(handle)
        booking_request_slot(
            listing=listing, customer=handle.users["customer"], starts_at=next_local(10)
        )
    # Words of the listing's title, so the results page draws its card (calendar reads).
    search = f"postal_code={listing.postal_code}&radius_km=10&q=Isolation"
    visitor = handle.client()
    return {
        "listing_api": (visitor, f"/api/listings/{listing.pk}/"),
        "search_api": (visitor, f"/api/listings/search/?{search}"),
        "bookings_api": (handle.client("customer"), "/api/bookings/"),
        "home": (visitor, "/"),
        "results_page": (visitor, f"/search/?{search}"),
        "listing_page": (visitor, f"/listings/{listing.pk}/"),
        "provider_dashboard": (handle.session_client("provider"), "/dashboard/provider/"),
    }


def test_the_served_paths_stay_within_their_statement_budgets(tenant_a):
    over = {}
    for name, (client, path) in _serving_requests(tenant_a).items():
        client.get(path)  # warms the caches (tenant, settings, categories, theme)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (name, response.content[:300])
        statements = [query["sql"] for query in queries.captured_queries]
        if len(statements) > SERVING_BUDGETS[name]:
            over[name] = statements
    assert over == {}, "\n".join(f"{name}: {len(sql)} {sql}" for name, sql in over.items())
