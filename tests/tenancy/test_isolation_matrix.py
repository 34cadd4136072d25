"""Runs every endpoint of every app as the wrong tenant (see tests/tenancy/matrix.py)."""

import pytest

from tests.conftest import PASSWORD
from tests.tenancy.matrix import all_endpoints, statuses, tenant_routes

ENDPOINTS = all_endpoints()
WITH_ACTOR = [endpoint for endpoint in ENDPOINTS if endpoint.actor]
API_WITH_ACTOR = [endpoint for endpoint in WITH_ACTOR if endpoint.is_api]


def _ids(endpoints):
    return [endpoint.id for endpoint in endpoints]


def _client(handle, endpoint):
    return endpoint.client_for(handle)


def test_every_tenant_route_is_in_the_matrix():
    covered = {endpoint.route for endpoint in ENDPOINTS}

    missing = sorted(tenant_routes() - covered)

    assert missing == [], f"add these routes to a tests/<app>/isolation.py: {missing}"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_ids(ENDPOINTS))
def test_the_owner_can_use_it(endpoint, tenant_a):
    params = endpoint.params(tenant_a)

    response = endpoint.request(_client(tenant_a, endpoint), params)

    assert response.status_code in statuses(endpoint.ok), response.content[:500]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_ids(ENDPOINTS))
def test_tenant_a_ids_are_unusable_on_tenant_b(endpoint, tenant_a, tenant_b):
    # given an object (or credentials) of tenant A
    params = endpoint.params(tenant_a)
    endpoint.prepare_other(tenant_b)
    before = endpoint.state(tenant_a) if endpoint.state else None

    # when B's user of the same role tries it on B's host
    response = endpoint.request(_client(tenant_b, endpoint), params)

    # then it is as if A's object did not exist, and A is unchanged
    assert response.status_code in statuses(endpoint.cross), response.content[:500]
    if "marker" in params:
        assert params["marker"].encode() not in response.content
    if endpoint.cross_contains:
        assert endpoint.cross_contains in response.content.decode()
    if endpoint.state:
        assert endpoint.state(tenant_a) == before


@pytest.mark.parametrize("endpoint", API_WITH_ACTOR, ids=_ids(API_WITH_ACTOR))
def test_tenant_a_token_is_refused_on_tenant_b(endpoint, tenant_a, tenant_b):
    params = endpoint.params(tenant_a)
    before = endpoint.state(tenant_a) if endpoint.state else None
    stolen = tenant_b.client(token=tenant_a.tokens[endpoint.actor])

    response = endpoint.request(stolen, params)

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    if endpoint.state:
        assert endpoint.state(tenant_a) == before


@pytest.mark.parametrize("endpoint", WITH_ACTOR, ids=_ids(WITH_ACTOR))
def test_tenant_a_session_is_anonymous_on_tenant_b(endpoint, tenant_a, tenant_b):
    params = endpoint.params(tenant_a)
    before = endpoint.state(tenant_a) if endpoint.state else None
    session_client = tenant_a.session_client(endpoint.actor)
    session_client.defaults["HTTP_HOST"] = tenant_b.host

    response = endpoint.request(session_client, params)

    # B's session table has no such session: the request ran as nobody.
    assert response.wsgi_request.user.is_anonymous
    if endpoint.is_api:
        assert response.status_code in (401, 403, 404)
    else:
        assert response.status_code in (200, 302, 403, 404)
    if endpoint.state:
        assert endpoint.state(tenant_a) == before


def test_operator_routes_are_not_served_on_tenant_hosts(tenant_a):
    public_only = tenant_routes("quartier.config.urls_public") - tenant_routes()
    client = tenant_a.client("admin")

    for route in sorted(public_only):
        concrete = "/" + route.replace("<slug:slug>", "telco").replace("<str:domain>", "x.ch")
        if "<" in concrete:
            continue
        response = client.get(concrete)
        assert response.status_code == 404, route


def test_tenant_credentials_are_refused_on_the_platform(tenant_a, client):
    response = client.post(
        "/api/auth/token/",
        {"email": "admin@telco.test", "password": PASSWORD},
        content_type="application/json",
        HTTP_HOST="localhost",
    )

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
