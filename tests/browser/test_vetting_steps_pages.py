"""A tenant admin writes a vetting quiz on pages only (issue 14): the step is added,
refused when turned on empty, given a question, turned on; each page fits a phone and
has no serious axe-core violation.

The marketplace is provisioned for this module and purged afterwards: rule changes
write the append-only audit trail, which no cleanup could remove from shared tenants.
"""

import re
import uuid

import pytest

from quartier.platform.tenancy import public_context
from tests.browser.conftest import SCREENSHOTS, axe_violations, sign_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture(scope="module")
def quiz_market(tenant_pair, live_server_port):
    from quartier.tenants.services import tenant_delete, tenant_purge
    from tests.conftest import _provision

    with public_context():
        handle = _provision(f"quizzes{uuid.uuid4().hex[:6]}", "Quiz Friends")
    yield handle, f"http://{handle.host}:{live_server_port}"
    with public_context():
        tenant_delete(tenant=handle.tenant, reason="browser test done")
        tenant_purge(tenant=handle.tenant)


def _check(page, name: str, viewport: str) -> None:
    page.wait_for_load_state()
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (name, viewport, widths)
    assert axe_violations(page) == [], (name, viewport)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"vetting-steps-{viewport}-{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_an_admin_writes_a_quiz_on_pages(quiz_market, browser, csp_violations, viewport):
    handle, base = quiz_market
    context = browser.new_context(locale="en-GB", viewport=VIEWPORTS[viewport])
    try:
        context.set_default_timeout(15_000)
        watch_csp(context, csp_violations)
        page = context.new_page()
        sign_in(page, base, handle.users["admin"].email)
        title = f"Router quiz ({viewport})"

        # adds a quiz step: it starts turned off
        page.goto(f"{base}/back-office/vetting/")
        page.get_by_label("Title (English)").fill(title)
        page.get_by_label("Kind of step").select_option("quiz")
        page.get_by_role("button", name="Add step").click()
        page.get_by_role("link", name=title).click()
        assert page.get_by_text("Inactive").first.is_visible()
        _check(page, "step", viewport)

        # turning it on with no question is refused in words
        page.get_by_role("button", name="Turn on").click()
        assert page.get_by_text(
            "A quiz step can be turned on once it has at least one question."
        ).first.is_visible()

        # writes the instructions and a question with the correct answer
        page.get_by_label("Instructions for providers (English)").fill("Ten minutes, no notes.")
        page.get_by_role("button", name="Save step").click()
        assert page.get_by_text("Vetting step saved.").first.is_visible()
        page.get_by_role("link", name="Add a question").click()
        page.get_by_label("Question").fill("Where does the router work best?")
        page.get_by_label(re.compile(r"^Answer 1\W*$")).fill("In a cupboard")
        page.get_by_label(re.compile(r"^Answer 2\W*$")).fill("Central and in the open")
        page.get_by_role("button", name="Save question").click()
        assert page.get_by_text("Mark the correct answer.").first.is_visible()
        _check(page, "question-errors", viewport)
        page.get_by_label("Answer 2 is correct").check()
        page.get_by_role("button", name="Save question").click()
        assert page.get_by_text("Question saved.").first.is_visible()
        assert page.get_by_text("Central and in the open — correct").is_visible()

        # now it goes live
        page.get_by_role("button", name="Turn on").click()
        assert page.get_by_text("Vetting step turned on.").first.is_visible()
        assert page.get_by_role("button", name=re.compile("^Turn off")).is_visible()
        _check(page, "step-live", viewport)
    finally:
        context.close()
