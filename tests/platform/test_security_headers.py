"""Security headers on every page: a strict Content-Security-Policy (enforced outside
development), Permissions-Policy and Referrer-Policy; and no markup that the policy
would block (inline scripts or styles without the nonce, style attributes, on* handlers).

The pages are the ones the isolation matrix knows (every tenant page, as its owner),
plus the operator's own pages.
"""

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client

from quartier.accounts.models import User
from quartier.sso.selectors import sso_configuration
from tests.conftest import PLATFORM_HOST
from tests.tenancy.matrix import all_endpoints

ROOT = Path(__file__).resolve().parents[2]

NOT_HTML = (
    "sitemap.xml",
    "robots.txt",
    "theme.css",
    "theme/logo/",
    "theme/favicon/",
    "trust/documents/",
    "events/stream/",
)
# <script> types a browser runs; any other type is a data block, which CSP leaves alone.
SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
PAGES = [
    endpoint
    for endpoint in all_endpoints()
    if not endpoint.is_api
    and endpoint.method == "get"
    and endpoint.ok == 200
    and not endpoint.route.startswith(NOT_HTML)
    and not endpoint.route.endswith((".ics", ".pdf", ".js"))
]
# The card step mounts Stripe.js: its policy opens STRIPE_JS_ORIGIN, and nothing else.
STRIPE_PAGES = {"billing/bookings/<int:pk>/card/"}
# The payout pages post the onboarding form on to Stripe Connect: form-action opens
# STRIPE_CONNECT_ORIGIN there, and nowhere else.
CONNECT_PAGES = {
    "workspace/earnings/",
    "workspace/payouts/",
    "workspace/payouts/return/",
    "workspace/payouts/refresh/",
}
OPERATOR_PAGES = ["/", "/operator/", "/admin/", "/admin/login/", "/api/docs/"]


class _Markup(HTMLParser):
    """Elements and attributes a strict policy refuses unless they carry the nonce."""

    def __init__(self, nonce: str):
        super().__init__()
        self.nonce = nonce
        self.refused: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        has_nonce = attributes.get("nonce") == self.nonce
        inline_script = (
            tag == "script"
            and "src" not in attributes
            and (attributes.get("type") or "") in SCRIPT_TYPES
        )
        handlers = [name for name in attributes if name.startswith("on")]
        if handlers or "style" in attributes or (tag == "style" or inline_script) and not has_nonce:
            self.refused.append(self.get_starttag_text())


def _directives(policy: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def _assert_strict(
    response, *, stripe_origin: str = "", connect_origin: str = "", form_origin: str = ""
) -> None:
    assert response["Content-Type"].startswith("text/html"), response["Content-Type"]
    policy = _directives(response["Content-Security-Policy"])
    nonce = next((value[7:-1] for value in policy["script-src"] if value.startswith("'nonce-")), "")
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'"
    assert set(policy["script-src"][1:]) <= {f"'nonce-{nonce}'", *filter(None, [stripe_origin])}
    if stripe_origin:
        for directive in ("script-src", "frame-src", "connect-src"):
            assert stripe_origin in policy[directive], directive
    assert policy["style-src"][0] == "'self'"
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'", *filter(None, [connect_origin, form_origin])]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    if not stripe_origin:
        assert "js.stripe.com" not in response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions.split(", ")
    markup = _Markup(nonce)
    markup.feed(response.content.decode())
    assert markup.refused == []


def _client(handle, endpoint):
    return handle.session_client(endpoint.actor) if endpoint.actor else handle.client()


@pytest.fixture(autouse=True)
def _payments_backend(request):
    """Billing pages talk to Stripe: point them at the test servers."""
    callspec = getattr(request.node, "callspec", None)
    endpoint = callspec.params.get("endpoint") if callspec else None
    if endpoint is not None and endpoint.route.startswith(("billing/", "workspace/payouts/")):
        request.getfixturevalue("stripe")


@pytest.mark.parametrize("endpoint", PAGES, ids=[endpoint.id for endpoint in PAGES])
def test_every_tenant_page_sends_a_strict_policy(endpoint, tenant_a, settings):
    params = endpoint.params(tenant_a)

    response = endpoint.request(_client(tenant_a, endpoint), params)

    assert response.status_code == 200
    stripe = endpoint.route in STRIPE_PAGES
    connect = endpoint.route in CONNECT_PAGES
    # The sign-in page of a marketplace with single sign-on: its SSO form's answer
    # redirects to the tenant's issuer, so form-action opens that origin (and only it).
    with tenant_a.context():
        sso = sso_configuration()
    issuer = urlsplit(sso.issuer_url)
    sso_origin = f"{issuer.scheme}://{issuer.netloc}" if sso.is_enabled else ""
    _assert_strict(
        response,
        stripe_origin=settings.STRIPE_JS_ORIGIN if stripe else "",
        connect_origin=settings.STRIPE_CONNECT_ORIGIN if connect else "",
        form_origin=sso_origin if endpoint.route == "accounts/login/" else "",
    )


@pytest.mark.parametrize("path", OPERATOR_PAGES)
def test_every_operator_page_sends_a_strict_policy(path, operator_token, db):
    client = Client(HTTP_HOST=PLATFORM_HOST)
    if path != "/admin/login/":
        client.force_login(User.objects.get(email="ops@platform.test"))

    response = client.get(path, follow=True)

    assert response.status_code == 200
    _assert_strict(response)


def test_the_sign_in_page_with_a_lockout_and_the_error_pages_send_it_too(tenant_a, settings):
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 1
    client = tenant_a.client()
    locked = client.post("/accounts/login/", {"username": "x@telco.test", "password": "wrong"})
    missing = client.get("/listings/999999/")
    forbidden = tenant_a.session_client("customer").get("/back-office/")

    assert (locked.status_code, missing.status_code, forbidden.status_code) == (429, 404, 403)
    for response in (locked, missing, forbidden):
        _assert_strict(response)


def test_the_api_docs_inline_script_carries_the_nonce(tenant_a):
    response = tenant_a.client().get("/api/docs/")

    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert response.content.decode().count(f'nonce="{nonce}"') == 2


def test_only_the_home_page_may_be_framed_and_only_by_its_own_host(tenant_a):
    home = tenant_a.client().get("/")
    login = tenant_a.client().get("/accounts/login/")

    assert _directives(home["Content-Security-Policy"])["frame-ancestors"] == ["'self'"]
    assert home["X-Frame-Options"] == "SAMEORIGIN"
    assert _directives(login["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]
    assert login["X-Frame-Options"] == "DENY"


def test_nonces_differ_per_response(tenant_a):
    first = tenant_a.client().get("/api/docs/")["Content-Security-Policy"]
    second = tenant_a.client().get("/api/docs/")["Content-Security-Policy"]

    assert re.search(r"'nonce-[^']+'", first).group() != re.search(r"'nonce-[^']+'", second).group()


def _settings_in(environment: str, *names: str) -> list[str]:
    env = {
        **os.environ,
        "QUARTIER_ENV": environment,
        "DJANGO_SETTINGS_MODULE": "quartier.config.settings",
    }
    env.pop("DATABASE_URL", None)
    script = (
        "import django; django.setup(); from django.conf import settings; "
        f"print([bool(getattr(settings, name, None)) for name in {list(names)!r}])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("environment", "expected"),
    [("development", "[False, True]"), ("test", "[True, False]")],
)
def test_development_only_reports_and_test_enforces(environment, expected):
    names = ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")

    assert _settings_in(environment, *names) == expected


def test_stripe_js_is_allowed_only_on_pages_that_ask_for_it(settings, rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    from quartier.platform.headers import stripe_js_allowed

    settings.STRIPE_JS_ORIGIN = "https://js.stripe.example"

    def page(request):
        return HttpResponse("<p>card</p>")

    def policy(view):
        request = rf.get("/")
        middleware = CSPMiddleware(view)
        middleware.process_request(request)
        return _directives(
            middleware.process_response(request, view(request))["Content-Security-Policy"]
        )

    card = policy(stripe_js_allowed(page))
    other = policy(page)

    for directive in ("script-src", "frame-src", "connect-src"):
        assert card[directive][-1] == "https://js.stripe.example"
        assert "https://js.stripe.example" not in other[directive]


def test_tenant_resolutions_own_answers_carry_the_headers_too(db, client):
    response = client.get("/", HTTP_HOST="nobody.localhost")

    assert response.status_code == 404
    assert "object-src 'none'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
