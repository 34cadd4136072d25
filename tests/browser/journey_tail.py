"""The end of a new helper's journey, pages only: a customer books the helper's service,
the helper accepts on the booking's page, the job takes place, the helper marks it done
and sees the earning. On the way the helper's month calendar and calendar links are
used and checked like every other page.

A job can only be marked done once it has started, and the test cannot move the clock:
so the customer proposes a time window starting in a minute or two (the booking page's
"propose your own times"), the helper accepts a start a minute ahead inside it, and the
test waits for that minute to pass. Without a window, a free slot would lie up to half an
hour (the slot grid) plus the helper's notice away.
"""

import re
import time as clock
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.browser.conftest import SCREENSHOTS, axe_violations, sign_in

ZURICH = ZoneInfo("Europe/Zurich")
LOCAL_INPUT = "%Y-%m-%dT%H:%M"
# The elements reaching past the window's right edge (to name them when a page scrolls).
WIDER_THAN_THE_WINDOW = """() => Array.from(document.querySelectorAll('body *'))
  .filter(element => element.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(0, 8).map(element => element.outerHTML.slice(0, 120))"""
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def check_page(page, name: str, viewport: str, *, small_targets: bool = True) -> None:
    """No sideways scrolling, no serious axe violation, 44 px targets on workspace
    pages; a screenshot to look at."""
    from tests.browser.test_workspace_journey import TOO_SMALL_TARGETS

    page.wait_for_load_state()
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    wide = page.evaluate(WIDER_THAN_THE_WINDOW) if widths[0] > widths[1] else []
    assert widths[0] <= widths[1], (name, viewport, widths, wide)
    if small_targets:
        small = page.evaluate(TOO_SMALL_TARGETS)
        assert small == [], (name, viewport, small)
    violations = axe_violations(page)
    assert violations == [], (name, viewport, violations)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"tail-{viewport}-{name}.png"), full_page=True)


def _next_minute(after: datetime) -> datetime:
    """The first whole minute at least 20 seconds after `after` (local time)."""
    later = after + timedelta(seconds=20)
    return later.replace(second=0, microsecond=0) + timedelta(minutes=1)


def _now() -> datetime:
    return datetime.now(ZURICH)


def book_accept_complete_and_earn(page, handle, base: str, viewport: str) -> None:
    """`page` is the helper's, signed in, with a published service."""
    customer_context = page.context.browser.new_context(
        locale="en-GB", viewport=VIEWPORTS[viewport]
    )
    customer_context.set_default_timeout(15_000)
    try:
        _tail(page, customer_context.new_page(), handle, base, viewport)
    finally:
        customer_context.close()


def _tail(helper, customer, handle, base: str, viewport: str) -> None:
    shot = f"{getattr(handle, 'brand', 'telco')}-{viewport}"  # screenshot names
    # the journey looked at the pages in German last: back to English
    helper.locator("#q-language-select").select_option("en")
    helper.locator("form.q-language button").click()
    helper.wait_for_load_state()
    # the helper's calendar: no notice needed, extra hours next week, the feed link
    helper.goto(f"{base}/workspace/listings/")
    online = helper.locator("#listings li", has=helper.locator(".ws-pill", has_text="Online"))
    title = online.first.locator(".ws-row-title").inner_text()
    helper.get_by_role("navigation", name="Your workspace").get_by_role(
        "link", name="Calendar"
    ).click()
    check_page(helper, "calendar", shot)
    helper.get_by_label("How much notice you need").select_option(label="No notice needed")
    helper.get_by_role("button", name="Save booking rules").click()
    assert helper.get_by_text("Your booking rules are saved.").is_visible()
    extra_day = (_now() + timedelta(days=8)).date()
    helper.get_by_label("Day", exact=True).fill(extra_day.isoformat())
    helper.get_by_label("From", exact=True).fill("07:00")
    helper.get_by_label("Until", exact=True).fill("06:00")
    helper.get_by_role("button", name="Add extra hours").click()
    assert helper.locator("#id_extra-ends-error").inner_text() == (
        "The end must come after the start."
    )
    check_page(helper, "calendar-errors", shot)
    helper.get_by_label("Until", exact=True).fill("09:00")
    helper.get_by_role("button", name="Add extra hours").click()
    assert helper.get_by_text("Your extra hours are saved.").is_visible()
    extra = helper.locator(f"#day-{extra_day.isoformat()}")
    assert "Extra hours 07:00–09:00" in extra.inner_text()
    helper.get_by_role("link", name="Calendar links (iCal)").click()
    helper.get_by_label("Address of your calendar (iCal)").fill("http://127.0.0.1/cal.ics")
    helper.get_by_role("button", name="Read this calendar").click()
    assert helper.locator("#id_import-url-error").inner_text() == (
        "This address is not reachable from the internet."
    )
    # the hours saved earlier made the feed link; a new one replaces it
    link = helper.get_by_label("Your private calendar link")
    old_link = link.input_value()
    assert re.search(r"/calendar/[\w-]+\.ics$", old_link)
    helper.get_by_role("button", name="Make a new link").click()
    assert helper.get_by_text("Here is a new link; the old one no longer works.").is_visible()
    assert link.input_value() not in ("", old_link)
    check_page(helper, "calendar-links", shot)

    # a customer finds the service and proposes a time starting in a minute or two
    sign_in(customer, base, handle.users["customer"].email)
    customer.goto(f"{base}/search/?q={title.split()[0]}&postal_code=8004&radius_km=10")
    customer.locator("li.result").get_by_role("link", name=title, exact=True).click()
    customer.get_by_role("link", name="Book this service").click()
    check_page(customer, "book", shot, small_targets=False)
    window_start = _next_minute(_now())
    customer.locator("details.bk-windows > summary").click()  # "propose your own times"
    window = customer.get_by_role("group", name=re.compile(r"^Time window 1"))
    window.get_by_label("Window 1: from").fill(window_start.strftime(LOCAL_INPUT))
    window.get_by_label("Window 1: until").fill(
        (window_start + timedelta(hours=3)).strftime(LOCAL_INPUT)
    )
    customer.get_by_role("button", name="Send my proposal").click()
    customer.wait_for_url(re.compile(r"/bookings/\d+/$"))
    booking_id = int(customer.url.rstrip("/").rsplit("/", 1)[1])
    assert customer.locator("#booking-status").inner_text() == "Requested"

    # the helper accepts on the booking's page, at a start a minute ahead
    helper.goto(f"{base}/dashboard/provider/")
    helper.get_by_role("link", name="Pick a time to accept").first.click()
    helper.wait_for_url(re.compile(rf"/bookings/{booking_id}/$"))
    check_page(helper, "booking-request", shot, small_targets=False)
    starts = max(window_start, _next_minute(_now()))
    helper.get_by_label("Start time").fill(starts.strftime(LOCAL_INPUT))
    helper.get_by_role("button", name="Accept at this time").click()
    assert helper.locator("#booking-status").inner_text() == "Accepted"

    # the customer confirms; the booking is in the helper's calendar today
    customer.goto(f"{base}/bookings/{booking_id}/")
    customer.get_by_role("button", name=f"Confirm — booking #{booking_id}").click()
    assert customer.get_by_text("The booking is confirmed.").is_visible()
    helper.goto(f"{base}/workspace/calendar/")
    today = helper.locator(f"#day-{starts.date().isoformat()}")
    today.get_by_role("link", name=re.compile(re.escape(title))).click()
    helper.wait_for_url(re.compile(rf"/bookings/{booking_id}/$"))

    # the job takes place; then the helper marks it done
    clock.sleep(max(0.0, (starts - _now()).total_seconds()) + 1)
    helper.reload()
    helper.get_by_role("button", name=f"Mark as completed — booking #{booking_id}").click()
    assert helper.get_by_text("The job is marked as completed.").is_visible()
    assert helper.locator("#booking-status").inner_text() == "Completed"

    # and sees the earning with the commission
    helper.goto(f"{base}/workspace/earnings/")
    earning = helper.locator(f"#earning-{booking_id}")
    assert title in earning.inner_text()
    assert "You keep" in earning.inner_text()
    check_page(helper, "earnings", shot)

    # German words run long: the calendar pages still fit, in German
    helper.locator("#q-language-select").select_option("de")
    helper.locator("form.q-language button").click()
    for name, path in (
        ("calendar", "/workspace/calendar/"),
        ("links", "/workspace/calendar/sync/"),
    ):
        helper.goto(base + path)
        assert helper.locator("html").get_attribute("lang") == "de"
        check_page(helper, f"de-{name}", shot)
