"""Eligibility on a phone: the admin limits bookings to an e-mail domain, asks helpers
for invitation codes and creates one on the back-office page; a visitor with another
address is refused at sign-up with the reason, and a customer who wants to offer help
enters the code. No sideways scrolling, no serious axe violation, no CSP violation.
Pages only; the rules, the code and its uses are removed afterwards."""

import uuid

import pytest

from quartier.accounts.models import User
from quartier.marketplace.models import EligibilityRule, InvitationCode
from tests.browser.conftest import check_phone_page, committed, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PHONE = {"width": 390, "height": 844}


def _check(page, name: str) -> None:
    check_phone_page(page, f"eligibility-phone-{name}")


def test_an_admin_limits_bookings_to_a_domain_and_a_visitor_is_told_why(
    storefronts, browser, csp_violations
):
    telco = storefronts["telco"]
    label = f"Flyer {uuid.uuid4().hex[:6]}"
    visitor = f"visitor-{uuid.uuid4().hex[:6]}@example.org"
    admin_context = browser.new_context(locale="en-GB", viewport=PHONE)
    visitor_context = browser.new_context(locale="en-GB", viewport=PHONE)
    for context in (admin_context, visitor_context):
        context.set_default_timeout(15_000)
    try:
        page = admin_context.new_page()
        sign_in(page, telco.base_url, telco.admin_email)
        page.goto(f"{telco.base_url}/back-office/")
        page.get_by_role("link", name="Who may book and offer help").click()
        _check(page, "policy")

        booking = page.locator("section", has=page.get_by_role("heading", name="Who may book"))
        booking.get_by_label("Rule").select_option("domains")
        booking.get_by_label("E-mail domains").fill("telco.ch")
        booking.get_by_role("button", name="Save rule").click()
        page.wait_for_load_state()
        assert "The rule is saved." in page.content()

        helping = page.locator(
            "section", has=page.get_by_role("heading", name="Who may offer help")
        )
        helping.get_by_label("Rule").select_option("codes")
        helping.get_by_role("button", name="Save rule").click()
        page.wait_for_load_state()

        codes = page.locator("section", has=page.get_by_role("heading", name="Invitation codes"))
        codes.get_by_role("combobox", name="For").select_option("offer")
        codes.get_by_label("Note (who it is for)").fill(label)
        codes.get_by_label("Maximum uses (optional)").fill("3")
        codes.get_by_role("button", name="Create code").click()
        page.wait_for_load_state()
        assert label in page.locator("#invitation-codes").inner_text()
        code = page.locator("#invitation-codes tr", has_text=label).locator("code").inner_text()
        _check(page, "policy-with-code")

        signup = visitor_context.new_page()
        signup.goto(f"{telco.base_url}/accounts/signup/")
        signup.get_by_label("Full name").fill("Vera Visitor")
        signup.get_by_label("Email").fill(visitor)
        signup.get_by_label("Password").fill(PASSWORD)
        signup.get_by_role("main").get_by_role("button", name="Create account").click()
        signup.wait_for_load_state()
        assert (
            "Bookings here are for e-mail addresses ending in @telco.ch. Use such an address."
            in signup.content()
        )
        _check(signup, "signup-refused")

        # A customer who wants to offer help is asked for a code, and enters it.
        sign_in(signup, telco.base_url, telco.customer_email)
        signup.goto(f"{telco.base_url}/workspace/start/")
        assert "open by invitation" in signup.content()
        _check(signup, "onboarding-refused")
        signup.get_by_label("Invitation code").fill(code.lower())
        signup.get_by_role("button", name="Use this code").click()
        signup.wait_for_load_state()
        assert "/workspace/start/" in signup.url
        assert "Not open to you here" not in signup.content()
    finally:
        admin_context.close()
        visitor_context.close()

        def clean():
            with telco.handle.context():
                EligibilityRule.objects.all().delete()
                InvitationCode.objects.filter(label=label).delete()  # and its uses
                User.objects.filter(email=visitor).delete()

        committed(clean)
    assert csp_violations == []
