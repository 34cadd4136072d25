"""A new helper's journey through the workspace pages, on a phone and on a desktop.

Pages only once the browser starts: sign up with "offer help", the wizard (profile with
a photo, a document, the quiz, the application), the first service, the tenant admin's
approval in the back office, publishing, weekly hours and time off. Every helper page
is measured for sideways scrolling and checked with axe-core, and screenshotted.

The marketplace is provisioned for this module and purged afterwards: passing the quiz
and deciding the application write the append-only audit trail, which no cleanup could
remove from the shared tenants. Its vetting rules are set up through the services
before the browser part starts.
"""

import io
import re
import uuid

import pytest
from django.core.cache import cache
from PIL import Image

from quartier.platform.tenancy import public_context
from tests.browser.conftest import SCREENSHOTS, axe_violations, committed, sign_in, watch_csp
from tests.browser.journey_tail import book_accept_complete_and_earn

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
# Controls of the workspace pages smaller than 44 px in either direction (a checkbox
# counts by its label, which is the target a thumb hits).
TOO_SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
  '.ws button, .ws a.ws-button, .ws-nav a, .ws-next a, .ws-steps a, .ws-back a, .ws-actions a,'
  + ' .ws-summary a, .ws-choices label, .ws select, .ws textarea,'
  + ' .ws input:not([type=checkbox]):not([type=radio]):not([type=hidden])'
)).map(element => [element, element.getBoundingClientRect()])
  .filter(([element, box]) => box.height < 44 || box.width < 44)
  .map(([element, box]) => `${element.outerHTML.slice(0, 80)} ${box.width}x${box.height}`)"""
GERMAN_PAGES = {
    "profile": "/workspace/start/profile/",
    "vetting": "/workspace/start/vetting/",
    "listing": "/workspace/start/listing/",
    "done": "/workspace/start/done/",
    "listings": "/workspace/listings/",
    "new-listing": "/workspace/listings/new/",
    "hours": "/workspace/hours/",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
QUESTIONS = [
    {
        "text": "Where does the router work best?",
        "choices": [
            {"text": "In a closed cupboard", "is_correct": False},
            {"text": "Central and in the open", "is_correct": True},
        ],
    },
    {
        "text": "Which band reaches further through walls?",
        "choices": [
            {"text": "2.4 GHz", "is_correct": True},
            {"text": "5 GHz", "is_correct": False},
        ],
    },
]


def _portrait() -> bytes:
    """A landscape photo: the wizard crops it to a square."""
    image = Image.new("RGB", (640, 400), (240, 200, 160))
    for x in range(220, 420):
        for y in range(80, 320):
            if (x - 320) ** 2 + (y - 200) ** 2 < 100**2:
                image.putpixel((x, y), (120, 80, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    return buffer.getvalue()


def _listing_photo(colour, image_format: str) -> bytes:
    """A plain photo in one colour, so the cover can be told from the other."""
    buffer = io.BytesIO()
    Image.new("RGB", (480, 300), colour).save(buffer, format=image_format)
    return buffer.getvalue()


def _set_up_rules(handle) -> None:
    from quartier.themes import tokens
    from quartier.themes.demo import DEMO_THEMES
    from quartier.themes.models import Theme
    from quartier.themes.selectors import published_cache_key
    from quartier.trust.services.vetting import quiz_set, requirement_create

    with handle.context():
        admin = handle.users["admin"]
        requirement_create(
            actor=admin,
            kind="identity_document",
            titles={"en": "Identity card", "de": "Ausweis"},
            instructions={"en": "A photo or scan of your ID card or passport."},
            position=0,
        )
        quiz = requirement_create(
            actor=admin, kind="quiz", titles={"en": "Router quiz"}, position=1
        ).quiz
        quiz_set(actor=admin, quiz=quiz, questions=QUESTIONS, pass_mark_percent=100, max_attempts=2)
        # The demo brand of telco or acme, so the pages are checked in both.
        theme = Theme.objects.get(singleton=True)
        Theme.objects.filter(pk=theme.pk).update(
            published=tokens.tokens_validate({**theme.published, **DEMO_THEMES[handle.brand]}),
            version=theme.version + 1,
        )
        cache.delete(published_cache_key())


@pytest.fixture(scope="module", params=["telco", "acme"])
def helper_market(request, tenant_pair, live_server_port):
    from quartier.tenants.services import tenant_delete, tenant_purge
    from tests.conftest import _provision

    with public_context():
        handle = _provision(f"helpers{uuid.uuid4().hex[:6]}", "Helper Friends")
    handle.brand = request.param
    committed(lambda: _set_up_rules(handle))
    yield handle, f"http://{handle.host}:{live_server_port}"
    with public_context():
        tenant_delete(tenant=handle.tenant, reason="browser test done")
        tenant_purge(tenant=handle.tenant)


def _check(page, name: str, viewport: str, *, axe: bool = True) -> None:
    """No sideways scrolling, no serious axe violation; a screenshot to look at."""
    page.wait_for_load_state()
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (name, viewport, widths)
    small = page.evaluate(TOO_SMALL_TARGETS)
    assert small == [], (name, viewport, small)
    if axe:
        violations = axe_violations(page)
        assert violations == [], (name, viewport, violations)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"workspace-{viewport}-{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_new_helper_goes_from_sign_up_to_bookable(
    helper_market, browser, csp_violations, viewport
):
    handle, base = helper_market
    name = f"Lea {viewport.title()}"
    email = f"lea-{uuid.uuid4().hex[:8]}@example.ch"
    helper_context = browser.new_context(locale="en-GB", viewport=VIEWPORTS[viewport])
    admin_context = browser.new_context(locale="en-GB", viewport=VIEWPORTS["desktop"])
    try:
        for context in (helper_context, admin_context):
            context.set_default_timeout(15_000)
            watch_csp(context, csp_violations)
        page = helper_context.new_page()
        _journey(page, admin_context.new_page(), handle, base, name, email, viewport)
    finally:
        helper_context.close()
        admin_context.close()


def _journey(page, admin, handle, base, name, email, viewport) -> None:
    # signs up to offer help and lands in the wizard
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("a-long-Passphrase-42")
    page.get_by_label("I want to").select_option(label="offer help")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/workspace/start/profile/$"))
    assert page.get_by_text("Step 1 of 4").is_visible()
    _check(page, "1-profile", viewport)

    # a wrong postal code is explained in words, next to the field
    page.get_by_label("Your name as customers see it").fill(name)
    page.get_by_label("Postal code where you start from").fill("80")
    page.get_by_role("button", name="Save and continue").click()
    assert page.locator("#id_home_postal_code-error").inner_text() == (
        "Enter a 4-digit Swiss postal code."
    )
    _check(page, "1-profile-errors", viewport)

    # the profile with a photo, languages, skills, area and a LinkedIn link
    page.get_by_label("Photo of you").set_input_files(
        {"name": "me.jpg", "mimeType": "image/jpeg", "buffer": _portrait()}
    )
    page.get_by_label("About you").fill("I set up routers, TV boxes and printers.")
    page.get_by_label("Deutsch").check()
    page.get_by_label("English").check()
    page.get_by_role("group", name="What you can help with").get_by_role("checkbox").first.check()
    page.get_by_label("Other skills").fill("Sonos, Apple TV")
    page.get_by_label("Postal code where you start from").fill("8004")
    page.get_by_label("How far you travel (km)").fill("12")
    page.get_by_label("LinkedIn profile").fill("https://www.linkedin.com/in/lea-muster")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(re.compile(r"/workspace/start/vetting/$"))
    assert page.get_by_text("Your profile is saved.").is_visible()
    assert page.get_by_text("Step 2 of 4").is_visible()
    _check(page, "2-vetting", viewport)

    # leaves; the dashboard says what is next and leads back into the wizard
    # (through the account menu, a <details> in the header)
    page.locator("summary.q-account-button").click()
    page.get_by_role("link", name="Provider dashboard").click()
    assert (
        page.locator("#next-step")
        .inner_text()
        .startswith("1 of 4 done: upload your document “Identity card”")
    )
    _check(page, "dashboard-next-step", viewport)
    page.locator("#next-step").get_by_role("link", name="Continue").click()

    # uploads the identity document
    _check(page, "2-document", viewport)
    page.get_by_label("Your document").set_input_files(
        {"name": "id.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(re.compile(r"/workspace/start/vetting/$"))
    identity = page.locator("#requirements li", has_text="Identity card")
    assert identity.locator(".ws-pill").inner_text() == "Waiting for review"

    # passes the quiz, one question per screen
    page.get_by_role("link", name=re.compile(r"^Start\W+Router quiz$")).click()
    page.get_by_role("link", name="Start the quiz").click()
    assert page.get_by_text("Question 1 of 2").is_visible()
    _check(page, "2-quiz", viewport)
    page.get_by_label("Central and in the open").check()
    page.get_by_role("button", name="Next question").click()
    page.get_by_label("2.4 GHz").check()
    page.get_by_role("button", name="Finish the quiz").click()
    assert page.locator("#quiz-result").inner_text() == "Passed: 100 % correct."
    _check(page, "2-quiz-result", viewport)
    page.get_by_role("link", name="Continue").click()
    quiz_row = page.locator("#requirements li", has_text="Router quiz")
    assert quiz_row.locator(".ws-pill").inner_text() == "Approved"

    # sends the application and describes the first service
    page.get_by_role("button", name="Send my application").click()
    page.wait_for_url(re.compile(r"/workspace/start/listing/$"))
    assert page.get_by_text("Step 3 of 4").is_visible()
    _check(page, "3-listing", viewport)
    page.get_by_label("Title").fill(f"WLAN set-up ({viewport})")
    page.get_by_label("Category").select_option(index=1)
    page.get_by_label("Description").fill("Router, Wi-Fi and printers set up at your place.")
    page.get_by_label("Price (CHF)").fill("60")
    page.get_by_label("per hour").check()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(re.compile(r"/workspace/start/done/$"))
    assert page.get_by_text("Step 4 of 4").is_visible()
    _check(page, "4-done", viewport)

    # the dashboard shows what is left
    page.goto(f"{base}/dashboard/provider/")
    assert page.locator("#next-step").count() == 0
    assert page.get_by_role("link", name="Your services").first.is_visible()
    _check(page, "dashboard", viewport, axe=False)

    # the tenant admin approves the document and the application in the back office
    sign_in(admin, base, handle.users["admin"].email)
    admin.goto(f"{base}/back-office/vetting/")
    admin.get_by_role("link", name=f"Review {name}").click()
    step = admin.locator("li", has_text="Identity card").locator("form")
    step.get_by_label("Decision").select_option("approve")
    step.get_by_role("button", name="Save step review").click()
    assert admin.get_by_text("Step reviewed.").first.is_visible()
    decision = admin.locator('form[action$="/decide/"]')
    decision.get_by_label("Decision").select_option("approve")
    decision.get_by_role("button", name="Save decision").click()
    assert admin.get_by_text("Decision saved.").first.is_visible()

    # the helper publishes the service
    page.goto(f"{base}/workspace/listings/")
    row = page.locator("#listings li", has_text=f"WLAN set-up ({viewport})")
    assert row.locator(".ws-pill").inner_text() == "Draft"
    row.get_by_role("button", name=re.compile("^Publish")).click()
    assert page.get_by_text("Your service is online.").is_visible()
    row = page.locator("#listings li", has_text=f"WLAN set-up ({viewport})")
    assert row.locator(".ws-pill").inner_text() == "Online"
    _check(page, "listings", viewport)

    # adds two photos to it on its edit page; the second becomes the cover
    row.get_by_role("link", name=re.compile("^Edit")).click()
    assert page.locator("#listing-preview").get_by_text(f"WLAN set-up ({viewport})").is_visible()
    page.get_by_label("Add photos").set_input_files(
        [
            {
                "name": "router.jpg",
                "mimeType": "image/jpeg",
                "buffer": _listing_photo((30, 90, 200), "JPEG"),
            },
            {
                "name": "Büro café.png",
                "mimeType": "image/png",
                "buffer": _listing_photo((220, 120, 40), "PNG"),
            },
        ]
    )
    page.get_by_role("button", name="Upload photos").click()
    assert page.get_by_text("2 photos added.").is_visible()
    assert page.locator("#photo-list li").count() == 2
    page.get_by_role("button", name=re.compile(r"^Make cover\W+Photo 2$")).click()
    assert page.get_by_text("This photo is now the cover.").is_visible()
    cover = page.locator("#photo-list li").first.locator("img").get_attribute("src")
    assert page.locator("#listing-preview img").get_attribute("src") == cover
    # the card preview follows what the helper types, before saving
    page.get_by_label("Title").fill(f"WLAN and Wi-Fi set-up ({viewport})")
    page.get_by_label("Price (CHF)").fill("65")
    preview = page.locator("#listing-preview")
    assert preview.locator('[data-preview="title"]').inner_text() == (
        f"WLAN and Wi-Fi set-up ({viewport})"
    )
    assert preview.locator('[data-preview="price"]').inner_text() == "CHF\u00a065.00"
    _check(page, "listing-photos", viewport)
    page.get_by_role("link", name="Your services").first.click()

    # adds a second service in the editor, then deletes it after confirming
    page.get_by_role("link", name="Add a service").click()
    _check(page, "listing-new", viewport)
    page.get_by_label("Title").fill(f"Printer set-up ({viewport})")
    page.get_by_label("Category").select_option(index=2)
    page.get_by_label("Price (CHF)").fill("45.50")
    page.get_by_label("per visit").check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Your service is saved.").is_visible()
    extra = page.locator("#listings li", has_text=f"Printer set-up ({viewport})")
    assert "CHF\u00a045.50 per visit" in extra.inner_text()
    extra.locator("summary").click()
    _check(page, "listings-confirm-delete", viewport)
    extra.get_by_role("button", name="Yes, delete").click()
    assert page.get_by_text(f"The service “Printer set-up ({viewport})” is deleted.").is_visible()
    assert page.locator("#listings li").count() == 1

    # sets weekly hours and a day off
    page.get_by_role("link", name="Hours").click()
    assert page.get_by_label("Monday, period 2, from").count() == 0  # one row until saved
    page.get_by_label("Monday, period 1, from").fill("08:00")
    page.get_by_label("Monday, period 1, until").fill("12:00")
    page.get_by_label("Thursday, period 1, from").fill("17:00")
    page.get_by_label("Thursday, period 1, until").fill("21:00")
    page.get_by_label("How much notice you need").select_option(label="1 day")
    page.get_by_label("Break between two bookings").select_option(label="30 minutes")
    page.get_by_role("button", name="Save hours").click()
    assert page.get_by_text("Your hours are saved.").is_visible()
    # a second period after lunch, in the row that appeared
    page.get_by_label("Monday, period 2, from").fill("13:30")
    page.get_by_label("Monday, period 2, until").fill("18:00")
    page.get_by_role("button", name="Save hours").click()
    assert page.get_by_label("Monday, period 2, from").input_value() == "13:30"
    assert page.get_by_label("Monday, period 1, until").input_value() == "12:00"
    page.get_by_label("First day off").fill("2031-01-05")
    page.get_by_label("Last day off").fill("2031-01-06")
    page.get_by_role("button", name="Add time off").click()
    assert page.get_by_text("Your time off is saved.").is_visible()
    _check(page, "hours", viewport)

    # German words run long: every workspace page still fits, in German
    page.get_by_label("Language").select_option("de")
    page.get_by_role("button", name="Change language").click()
    for key, path in GERMAN_PAGES.items():
        page.goto(base + path)
        assert page.locator("html").get_attribute("lang") == "de"
        _check(page, f"de-{key}", viewport)

    # the service is on the storefront
    page.goto(f"{base}/search/?q=WLAN&postal_code=8004&radius_km=10")
    card = page.locator("li.result", has_text=f"WLAN set-up ({viewport})")
    assert card.count() == 1
    # with the cover the helper chose
    assert card.locator(".rs-cover img").get_attribute("src") == cover
    book_accept_complete_and_earn(page, handle, base, viewport)
