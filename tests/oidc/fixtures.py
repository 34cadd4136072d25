"""A real OpenID Connect provider (npm oidc-provider, tests/oidc/provider.mjs) for the SSO
tests, plus helpers to point a tenant at it and to walk its login page without a browser.

Start: `oidc_provider` (session scope) runs `node tests/oidc/provider.mjs` on a free
loopback port with the accounts below; scripts/ensure-oidc-provider installs the package
(`make test` calls it). Import the fixture into a test module or a conftest.
"""

import json
import os
import re
import subprocess
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from tests.conftest import _wait_for_port, free_port

ROOT = Path(__file__).resolve().parents[2]
MODULE = ROOT / ".cache/npm/oidc-provider/node_modules/oidc-provider/lib/index.js"
CLIENT_ID = "quartier-tests"
CLIENT_SECRET = "provider-secret-for-tests"  # noqa: S105

# The provider's accounts: the login typed on its page -> the claims it asserts.
ACCOUNTS = {
    "anna": {
        "email": "anna.sso@telco.example",
        "email_verified": True,
        "name": "Anna Keller",
        "locale": "de-CH",
        "customer_number": "TC-1001",
        "customer_type": "residential",
    },
    "bruno": {
        "email": "bruno.sso@telco.example",
        "email_verified": True,
        "name": "Bruno Business",
        "locale": "fr",
        "customer_number": "TC-2002",
        "customer_type": "business",
    },
    # Claims the address of the shared tenant's customer, unverified: never linked.
    "carla": {
        "email": "customer@telco.test",
        "email_verified": False,
        "name": "Carla Claimer",
        "locale": "it",
        "customer_type": "residential",
    },
    # The same address, verified by the provider: linked to the existing user.
    "dora": {
        "email": "customer@telco.test",
        "email_verified": True,
        "name": "Dora Verified",
        "locale": "it",
        "customer_number": "TC-4004",
        "customer_type": "residential",
    },
}


@dataclass(frozen=True)
class OidcProvider:
    issuer: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET


@pytest.fixture(scope="session", name="oidc_provider")
def oidc_provider_fixture():
    if not MODULE.exists():
        pytest.fail("oidc-provider is not installed: run scripts/ensure-oidc-provider")
    port = free_port()
    environment = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_MODULE": str(MODULE),
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_ACCOUNTS": json.dumps(ACCOUNTS),
    }
    process = subprocess.Popen(
        ["node", str(ROOT / "tests/oidc/provider.mjs")],  # noqa: S607
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process)
        yield OidcProvider(issuer=f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        process.wait(timeout=10)


def sso_configure(provider: OidcProvider, **overrides):
    """Point the current schema's SSO configuration at the test provider."""
    from quartier.sso.services import sso_configuration_update

    values = {
        "mode": "sso_or_password",
        "issuer_url": provider.issuer,
        "client_id": provider.client_id,
        "client_secret": provider.client_secret,
        "scopes": "openid email profile",
        "brand_name": "Telco",
        "claim_name": "name",
        "claim_email": "email",
        "claim_language": "locale",
        "claim_customer_number": "customer_number",
        "required_claim_name": "customer_type",
        "required_claim_value": "residential",
        **overrides,
    }
    return sso_configuration_update(**values)


FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


def provider_round_trip(client, login: str, *, host: str, next_path: str = ""):
    """Start SSO with Django's test client, sign in as `login` on the provider's page (over
    HTTP, no browser) and return our callback's response."""
    form = {"next": next_path} if next_path else {}
    start = client.post("/accounts/sso/tenant/login/", form, HTTP_HOST=host)
    assert start.status_code == 302, start.content[:300]
    browser = requests.Session()
    url = start["Location"]
    for _hop in range(10):
        if url.startswith(f"http://{host}/"):
            response = client.get(url.removeprefix(f"http://{host}"), HTTP_HOST=host)
            response.callback_path = url.removeprefix(f"http://{host}")
            return response
        answer = browser.get(url, allow_redirects=False, timeout=10)
        if answer.status_code == 200 and 'name="login"' in answer.text:
            action = urljoin(url, unescape(FORM_ACTION.search(answer.text).group(1)))
            answer = browser.post(
                action,
                data={"prompt": "login", "login": login, "password": "any"},
                allow_redirects=False,
                timeout=10,
            )
        assert answer.status_code in (302, 303), answer.text[:500]
        url = urljoin(url, answer.headers["Location"])
    raise AssertionError("the provider never sent us back")
