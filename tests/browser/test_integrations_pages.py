"""The tenant admin's API keys and webhooks pages on a phone: create a key (its token
shown once), revoke it, and get the SSRF refusal beside the address; no sideways
scrolling, no serious axe violation, no CSP violation. Pages only once the browser runs;
the rows the admin creates are deleted afterwards."""

import uuid

import pytest

from quartier.integrations.models import ApiKey, WebhookEndpoint
from tests.browser.conftest import check_phone_page, committed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PHONE = {"width": 390, "height": 844}


def _check(page, name: str) -> None:
    check_phone_page(page, f"integrations-phone-{name}")


def test_an_admin_makes_and_revokes_a_key_and_is_refused_a_private_endpoint(
    storefronts, browser, csp_violations
):
    telco = storefronts["telco"]
    name = f"CRM {uuid.uuid4().hex[:6]}"
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        sign_in(page, telco.base_url, telco.admin_email)

        page.goto(f"{telco.base_url}/back-office/api-keys/")
        _check(page, "api-keys")
        page.get_by_label("Name").fill(name)
        page.get_by_label("Read bookings").check()
        page.get_by_role("button", name="Create key").click()
        token = page.locator("#new-key").inner_text()
        assert token.startswith("qk_")
        _check(page, "api-key-created")
        page.reload()
        assert token not in page.content()
        page.get_by_role("button", name=f"Revoke {name}").click()
        page.wait_for_load_state()
        assert f"The key “{name}” was revoked." in page.content()

        page.goto(f"{telco.base_url}/back-office/webhooks/")
        page.get_by_label("Address (https)").fill("https://127.0.0.1/hooks")
        page.get_by_role("button", name="Add endpoint").click()
        page.wait_for_load_state()
        assert "This address is not reachable from the internet." in page.content()
        _check(page, "webhooks-refused")
    finally:
        context.close()

        def clean():
            with telco.handle.context():
                ApiKey.objects.filter(name=name).delete()
                WebhookEndpoint.objects.filter(url__contains="127.0.0.1").delete()

        committed(clean)
    assert csp_violations == []
