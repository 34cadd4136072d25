"""Issue 17 on a phone: the admin's notification defaults and a helper's quiet hours,
pages only, no sideways scrolling, no serious or critical axe violation."""

import pytest

from tests.browser.conftest import axe_violations, committed, sign_in
from tests.browser.journey_tail import WIDER_THAN_THE_WINDOW

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
PHONE = {"width": 390, "height": 844}


def _fits(page) -> None:
    wide = page.evaluate(WIDER_THAN_THE_WINDOW)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), wide
    assert axe_violations(page) == []


@pytest.fixture
def _forget_the_settings(storefronts):
    """The pages commit to the shared telco tenant: its defaults and quiet hours must not
    follow the tests that run after this one."""
    yield
    handle = storefronts["telco"].handle

    def forget():
        from quartier.notifications.models import NotificationDefault, QuietHours

        with handle.context():
            NotificationDefault.objects.all().delete()
            QuietHours.objects.all().delete()

    committed(forget)


@pytest.mark.usefixtures("_forget_the_settings")
def test_defaults_and_quiet_hours_on_a_phone(storefronts, new_context, csp_violations):
    telco = storefronts["telco"]
    admin = new_context().new_page()
    admin.set_viewport_size(PHONE)
    sign_in(admin, telco.base_url, telco.admin_email)
    admin.goto(f"{telco.base_url}/back-office/notifications/")
    _fits(admin)
    sms = admin.get_by_label("Urgent requests near you: By text message")
    assert not sms.is_checked()
    sms.check()
    admin.get_by_role("button", name="Save defaults").click()
    assert admin.get_by_text("The notification defaults are saved.").is_visible()
    assert admin.get_by_label("Urgent requests near you: By text message").is_checked()
    admin.close()

    helper = new_context().new_page()
    helper.set_viewport_size(PHONE)
    sign_in(helper, telco.base_url, telco.provider_email)
    helper.goto(f"{telco.base_url}/notifications/preferences/")
    # the tenant's new default shows until the helper chooses
    assert helper.get_by_label("Urgent requests near you: By text message").is_checked()
    helper.get_by_label("Quiet from").fill("22:00")
    helper.get_by_label("Quiet until").fill("22:00")
    helper.get_by_role("button", name="Save quiet hours").click()
    assert (
        helper.get_by_role("alert")
        .inner_text()
        .count("The quiet hours must end at another time than they start.")
    )
    _fits(helper)
    helper.get_by_label("Quiet until").fill("07:00")
    helper.get_by_role("button", name="Save quiet hours").click()
    assert helper.get_by_text("Your quiet hours are saved.").is_visible()
    assert helper.get_by_label("Quiet until").input_value() == "07:00"
    _fits(helper)
    assert csp_violations == []
