"""Single sign-on in the browser, against a real OpenID Connect provider (npm
oidc-provider, tests/oidc/provider.mjs): "Continue with Telco account" → the provider's
login page → back on telco's storefront, signed in with the mapped name and language; an
ineligible account is refused with the translated message; acme's configuration never
shows on telco's host. Pages only; what the test commits is deleted afterwards."""

import pytest
from django.contrib.sessions.models import Session

from quartier.accounts.models import User
from quartier.sso.models import SsoConfiguration
from tests.browser.conftest import (
    SCREENSHOTS,
    axe_violations,
    committed,
    sign_in,
    watch_csp,
)
from tests.oidc.fixtures import (  # noqa: F401 (oidc_provider_fixture: a fixture)
    ACCOUNTS,
    CLIENT_SECRET,
    oidc_provider_fixture,
    sso_configure,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PHONE = {"width": 390, "height": 844}


def _check(page, name: str) -> None:
    page.wait_for_load_state()
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (name, widths)
    violations = axe_violations(page)
    assert violations == [], (name, violations)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"sso-phone-{name}.png"), full_page=True)


def _provider_sign_in(page, login: str) -> None:
    page.get_by_placeholder("Enter any login").fill(login)
    page.get_by_placeholder("and password").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.wait_for_load_state()


def test_telco_customer_signs_in_with_the_telco_account(
    storefronts, browser, csp_violations, oidc_provider
):
    telco, acme = storefronts["telco"], storefronts["acme"]
    # given: only acme has single sign-on at first
    committed(lambda: _configure(acme.handle, oidc_provider, brand_name="Acme"))
    contexts = []

    def context_for(locale: str):
        context = browser.new_context(locale=locale, viewport=PHONE)
        context.set_default_timeout(15_000)
        watch_csp(context, csp_violations)
        contexts.append(context)
        return context

    try:
        page = context_for("en-GB").new_page()
        page.goto(f"{telco.base_url}/accounts/login/")
        assert "Continue with" not in page.content()
        page.goto(f"{acme.base_url}/accounts/login/")
        assert page.get_by_role("button", name="Continue with Acme account").is_visible()

        # when telco turns it on
        committed(lambda: _configure(telco.handle, oidc_provider, brand_name="Telco"))
        page.goto(f"{telco.base_url}/accounts/login/")
        assert "Acme" not in page.content()
        _check(page, "login")
        page.get_by_role("button", name="Continue with Telco account").click()
        page.wait_for_load_state()
        assert page.url.startswith(oidc_provider.issuer), page.url
        _provider_sign_in(page, "anna")

        # then: back on telco's storefront, signed in, in the provider's language
        assert page.url == f"{telco.base_url}/", page.url
        assert page.locator("html").get_attribute("lang") == "de"
        assert ACCOUNTS["anna"]["name"] in page.content()
        _check(page, "signed-in")

        # an ineligible account (a business customer) is refused, in its language
        refused = context_for("fr-CH").new_page()
        refused.goto(f"{telco.base_url}/accounts/login/")
        refused.get_by_role("button", name="Continuer avec le compte Telco").click()
        refused.wait_for_load_state()
        _provider_sign_in(refused, "bruno")
        assert refused.url.startswith(f"{telco.base_url}/accounts/sso/tenant/callback/")
        body = refused.content()
        assert "Votre compte Telco ne peut pas utiliser cette place de marché." in body
        _check(refused, "refused")
    finally:
        for context in contexts:
            context.close()
        committed(lambda: _clean(telco.handle))
        committed(lambda: _clean(acme.handle))
    assert csp_violations == []


def test_admin_configures_and_tests_the_connection(
    storefronts, browser, csp_violations, oidc_provider
):
    telco = storefronts["telco"]
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    context.set_default_timeout(15_000)
    watch_csp(context, csp_violations)
    try:
        page = context.new_page()
        sign_in(page, telco.base_url, telco.admin_email)
        page.goto(f"{telco.base_url}/back-office/sign-in/")
        _check(page, "settings")
        page.get_by_label("Sign-in").select_option("sso_or_password")
        page.get_by_label("Issuer URL").fill(oidc_provider.issuer)
        page.get_by_role("button", name="Test connection").click()
        page.wait_for_load_state()
        assert "Connection works" in page.content()
        _check(page, "tested")
        page.get_by_label("Client ID").fill(oidc_provider.client_id)
        page.get_by_label("Client secret").fill(CLIENT_SECRET)
        page.get_by_label("Brand on the button").fill("Telco")
        page.get_by_role("button", name="Save").click()
        page.wait_for_load_state()
        assert "Single sign-on settings saved." in page.content()
        assert "A client secret is stored." in page.content()
        assert CLIENT_SECRET not in page.content()
        page.goto(f"{telco.base_url}/accounts/login/")
        assert page.get_by_role("button", name="Continue with Telco account").is_visible()
    finally:
        context.close()
        committed(lambda: _clean(telco.handle))
    assert csp_violations == []


def _configure(handle, provider, **overrides):
    with handle.context():
        sso_configure(provider, **overrides)


def _clean(handle):
    with handle.context():
        emails = [claims["email"] for claims in ACCOUNTS.values()]
        users = set(User.objects.filter(email__in=emails).values_list("pk", flat=True))
        users -= {user.pk for user in handle.users.values()}
        for session in Session.objects.all():
            if session.get_decoded().get("_auth_user_id") in {str(pk) for pk in users}:
                session.delete()
        User.objects.filter(pk__in=users).delete()
        SsoConfiguration.objects.all().delete()
