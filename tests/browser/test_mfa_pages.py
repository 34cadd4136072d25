"""Issue 18 on a phone: a tenant admin enrols an authenticator app and a passkey (the
passkey through Chromium's virtual authenticator, over CDP), signs out and in with each,
and an enforcing tenant sends an admin without a second step away from the back office.
Pages only; 390 px without sideways scrolling; no serious or critical axe violation."""

import re
import time
import uuid

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.sessions.models import Session
from django.utils import timezone

from quartier.accounts.models import User
from quartier.accounts.services import user_create
from quartier.marketplace.models import MarketplaceSettings
from tests.browser.conftest import axe_violations, committed
from tests.browser.journey_tail import WIDER_THAN_THE_WINDOW
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
PHONE = {"width": 390, "height": 844}


def _fits(page) -> None:
    wide = page.evaluate(WIDER_THAN_THE_WINDOW)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), wide
    assert axe_violations(page) == []


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _next_code(secret: str, used: str) -> str:
    """A code is accepted once: wait for the app's next one (at most one period)."""
    deadline = time.time() + 35
    while time.time() < deadline:
        code = _code(secret)
        if code != used:
            return code
        time.sleep(0.5)
    raise AssertionError("the authenticator's code did not change")


@pytest.fixture
def admin_email(storefronts):
    """A fresh admin of telco (committed, removed afterwards with their sessions)."""
    handle = storefronts["telco"].handle
    email = f"a{uuid.uuid4().hex[:8]}@telco.test"
    created = {}

    def create():
        with handle.context():
            created["user"] = user_create(
                email=email, password=PASSWORD, full_name="Ada Admin", role=User.Role.ADMIN
            )

    committed(create)
    yield email

    def remove():
        with handle.context():
            pk = str(created["user"].pk)
            for session in Session.objects.filter(expire_date__gt=timezone.now()):
                if session.get_decoded().get("_auth_user_id") == pk:
                    session.delete()
            User.objects.filter(pk=created["user"].pk).delete()
            MarketplaceSettings.objects.update(admins_require_mfa=False)

    committed(remove)


def _password(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next=/back-office/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _sign_out(page, base_url: str) -> None:
    page.goto(f"{base_url}/account/security/")
    page.locator("summary.q-account-button").click()  # sign out sits in the account menu
    page.locator(".q-account-panel").get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_load_state()


def test_an_admin_enrols_an_app_and_a_passkey_and_signs_in_with_each(
    storefronts, new_context, csp_violations, admin_email
):
    telco = storefronts["telco"]
    page = new_context().new_page()
    page.set_viewport_size(PHONE)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )["authenticatorId"]

    # the password alone signs in while nothing is enrolled
    _password(page, telco.base_url, admin_email)
    assert page.url.endswith("/back-office/")
    page.goto(f"{telco.base_url}/account/security/")
    assert page.get_by_text("Off: your password alone signs you in.").is_visible()
    _fits(page)

    # an authenticator app: the key shown on the page gives the code
    page.get_by_role("link", name="Set up an authenticator app").click()
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    _fits(page)
    secret = page.locator("[data-totp-secret]").inner_text().strip()
    enrolled_with = _code(secret)
    page.get_by_label("Code from the app").fill(enrolled_with)
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_text("The authenticator app is set up.").is_visible()
    codes = page.locator("[data-recovery-codes] code").all_inner_texts()
    assert len(codes) == 10
    assert all(re.fullmatch(r"\d{8}", code) for code in codes)
    _fits(page)

    # signed out, the password leads to the second step; the app's code signs in
    _sign_out(page, telco.base_url)
    _password(page, telco.base_url, admin_email)
    assert page.url.endswith("/accounts/two-step/")
    _fits(page)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("alert").get_by_text("This code is not right").count() >= 1
    page.get_by_label("Code").fill(_next_code(secret, enrolled_with))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert page.url.endswith("/back-office/")

    # a passkey, made by the virtual authenticator
    page.goto(f"{telco.base_url}/account/security/")
    page.get_by_role("link", name="Add a passkey").click()
    _fits(page)
    page.get_by_label("Name of the passkey").fill("Phone")
    page.get_by_role("button", name="Add a passkey").click()
    page.wait_for_url(re.compile(r"/account/security/$"))
    assert page.get_by_text("The passkey is added.").is_visible()
    assert page.get_by_text("Phone", exact=True).is_visible()
    held = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(held["credentials"]) == 1
    _fits(page)

    # signed out, the passkey answers the second step
    _sign_out(page, telco.base_url)
    _password(page, telco.base_url, admin_email)
    assert page.url.endswith("/accounts/two-step/")
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(re.compile(r"/back-office/$"))
    page.goto(f"{telco.base_url}/account/security/")
    assert page.get_by_text("(this device)").is_visible()
    assert csp_violations == []


def test_an_enforcing_tenant_sends_an_admin_without_a_second_step_to_enrol(
    storefronts, new_context, csp_violations, admin_email
):
    telco = storefronts["telco"]

    def enforce():
        with telco.handle.context():
            MarketplaceSettings.objects.update(admins_require_mfa=True)

    committed(enforce)
    page = new_context().new_page()
    page.set_viewport_size(PHONE)

    _password(page, telco.base_url, admin_email)

    page.wait_for_url(re.compile(r"/account/security/$"))
    assert page.get_by_text(
        "This marketplace requires administrators to use two-step sign-in."
    ).is_visible()
    _fits(page)
    page.goto(f"{telco.base_url}/back-office/users/")
    assert page.url.endswith("/account/security/")
    assert csp_violations == []
