"""The reverse proxy's on-demand TLS check: certificates only for active tenants' domains."""

import pytest
from rest_framework.test import APIClient

from quartier.tenants.services import domain_add, tenant_delete, tenant_suspend
from tests.conftest import PLATFORM_HOST


def _ask(domain: str | None, host: str = PLATFORM_HOST):
    client = APIClient(HTTP_HOST=host)
    return client.get("/internal/tls-ask", {} if domain is None else {"domain": domain})


def test_active_tenants_subdomain_and_custom_domain_may_get_a_certificate(tenant_a):
    domain_add(tenant=tenant_a.tenant, domain="help.telco-friends.ch")

    assert _ask(tenant_a.host).status_code == 200
    assert _ask("HELP.Telco-Friends.ch.").status_code == 200


def test_unknown_domain_is_refused(tenant_a):
    response = _ask("nobody-owns-this.example")

    assert response.status_code == 404


@pytest.mark.parametrize("change", ["suspend", "delete"])
def test_suspended_or_deleted_tenants_domains_are_refused(tenant_b, change):
    domain_add(tenant=tenant_b.tenant, domain="shop.acme-outdoor.ch")
    assert _ask("shop.acme-outdoor.ch").status_code == 200  # warms the host cache

    if change == "suspend":
        tenant_suspend(tenant=tenant_b.tenant, reason="unpaid")
    else:
        tenant_delete(tenant=tenant_b.tenant, reason="closed")

    assert _ask("shop.acme-outdoor.ch").status_code == 404
    assert _ask(tenant_b.host).status_code == 404


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        (None, "Give the host name as ?domain=."),
        ("", "Give the host name as ?domain=."),
        ("not a host", "Not a valid host name."),
        ("a" * 300 + ".ch", "Not a valid host name."),
        ("-bad-.ch", "Not a valid host name."),
    ],
)
def test_missing_or_malformed_domain_is_a_400_naming_the_field(tenant_a, domain, message):
    response = _ask(domain)

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": message,
        "fields": {"domain": [message]},
    }


def test_the_endpoint_is_not_served_on_a_tenants_host(tenant_a):
    response = _ask(tenant_a.host, host=tenant_a.host)

    assert response.status_code == 404
