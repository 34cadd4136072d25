"""Tasks and urgent requests through the pages, on a phone and on a desktop.

(a) A customer posts a task, two helpers make offers on the board (one without a time),
the customer accepts that one and chooses the time, the other helper sees it declined.
(b) An urgent request reaches two helpers: A accepts on the page, B, a moment later,
reads "Another helper was faster".

Users, profiles and listings, and the urgent request itself (no customer page sends one
yet), are made through the services before the browser starts; everything after that is
pages only. Each page is measured for sideways scrolling and checked with axe-core. The
marketplace is provisioned per module in a brand and purged afterwards.
"""

import re
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from quartier.platform.tenancy import public_context
from tests.browser.conftest import SCREENSHOTS, axe_violations, committed, sign_in, watch_csp
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
# Each viewport's jobs on days of their own: a helper cannot be booked twice at one time.
DAYS_AHEAD = {"phone": 2, "desktop": 4}
BRANDS = ["telco", "acme"]


def _people(handle, run: str) -> dict:
    from quartier.accounts.models import User
    from quartier.accounts.services import user_create
    from quartier.themes import tokens
    from quartier.themes.demo import DEMO_THEMES
    from quartier.themes.models import Theme
    from quartier.themes.selectors import published_cache_key
    from quartier.trust.models import Badge, BadgeAward
    from tests.bookings.factories import bookable_listing
    from tests.catalog.factories import make_provider

    people = {}
    with handle.context():
        people["customer"] = user_create(
            email=f"c{run}@example.ch",
            password=PASSWORD,
            full_name="Carla Kunde",
            role=User.Role.CUSTOMER,
        ).email
        for key, name in (("anna", "Anna Aebi"), ("ben", "Ben Brunner")):
            user = user_create(
                email=f"{key}{run}@example.ch",
                password=PASSWORD,
                full_name=name,
                role=User.Role.PROVIDER,
            )
            profile = make_provider(user=user, display_name=name, postal_code="8004")
            bookable_listing(provider=profile, title=f"Router help by {name}")
            people[key] = user.email
            # The badge the "vetted" rule would award, so the dashboard shows one.
            BadgeAward.objects.create(badge=Badge.objects.get(slug="vetted"), provider=profile)
        theme = Theme.objects.get(singleton=True)
        Theme.objects.filter(pk=theme.pk).update(
            published=tokens.tokens_validate({**theme.published, **DEMO_THEMES[handle.brand]}),
            version=theme.version + 1,
        )
        cache.delete(published_cache_key())
    return people


def _broadcast(handle, customer_email: str, days_ahead: int) -> int:
    from quartier.accounts.models import User
    from quartier.bookings.services.requests import booking_broadcast
    from tests.bookings.factories import next_local
    from tests.catalog.factories import category

    found = []
    with handle.context():
        booking = booking_broadcast(
            customer=User.objects.get(email=customer_email),
            category=category(),
            postal_code="8004",
            starts_at=next_local(11, days_ahead=days_ahead),
            note="The router blinks red.",
        )
        found.append(booking.pk)
    return found[0]


@pytest.fixture(scope="module", params=BRANDS)
def task_market(request, tenant_pair, live_server_port):
    from quartier.tenants.services import tenant_delete, tenant_purge
    from tests.conftest import _provision

    with public_context():
        handle = _provision(f"tasks{uuid.uuid4().hex[:6]}", "Task Friends")
    handle.brand = request.param
    people = {}
    committed(lambda: people.update(_people(handle, uuid.uuid4().hex[:6])))
    yield handle, f"http://{handle.host}:{live_server_port}", people
    with public_context():
        tenant_delete(tenant=handle.tenant, reason="browser test done")
        tenant_purge(tenant=handle.tenant)


def _check(page, name: str, viewport: str, brand: str) -> None:
    page.wait_for_load_state()
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (name, viewport, widths)
    violations = axe_violations(page)
    assert violations == [], (name, viewport, violations)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"tasks-{brand}-{viewport}-{name}.png"), full_page=True)


@pytest.fixture
def people_pages(browser, csp_violations):
    contexts = []

    def make(viewport: str):
        context = browser.new_context(locale="en-GB", viewport=VIEWPORTS[viewport])
        context.set_default_timeout(15_000)
        watch_csp(context, csp_violations)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_task_gets_two_offers_and_the_customer_accepts_one(task_market, people_pages, viewport):
    handle, base, people = task_market
    brand = handle.brand
    title = f"Who sets up my WLAN? ({viewport})"
    customer, anna, ben = people_pages(viewport), people_pages(viewport), people_pages(viewport)
    for page, key in ((customer, "customer"), (anna, "anna"), (ben, "ben")):
        sign_in(page, base, people[key])

    # the customer posts a task
    customer.goto(f"{base}/tasks/new/")
    customer.get_by_label("Category").select_option(index=1)
    customer.get_by_label("What do you need help with?").fill(title)
    customer.get_by_label("Postal code").fill("8003")
    customer.get_by_role("main").get_by_role("button", name="Post task").click()
    customer.wait_for_url(re.compile(r"/tasks/\d+/$"))
    task_url = customer.url

    # Anna finds it on the board and offers without a time: the customer will choose
    anna.goto(f"{base}/dashboard/provider/")
    assert anna.locator("#badges").get_by_text("Vetted").is_visible()
    _check(anna, "dashboard", viewport, brand)
    anna.get_by_role("link", name="See the tasks").click()
    _check(anna, "board", viewport, brand)
    anna.locator("li", has_text=title).get_by_role("link", name="Make an offer").click()
    anna.get_by_label("Your price").fill("eighty")
    anna.get_by_role("button", name="Send offer").click()
    assert anna.locator("#id_price-error").inner_text() == (
        "Enter the price as a number, e.g. 80 or 45.50."
    )
    _check(anna, "offer-errors", viewport, brand)
    anna.get_by_label("Your price").fill("80")
    anna.get_by_label("Message to the customer (optional)").fill("Any day after 17:00.")
    anna.get_by_role("button", name="Send offer").click()
    assert anna.get_by_text("Your offer is sent.").is_visible()
    _check(anna, "offer-sent", viewport, brand)

    # Ben offers with a day and a time
    ben.goto(f"{base}/workspace/tasks/")
    ben.locator("li", has_text=title).get_by_role("link", name="Make an offer").click()
    day = timezone.localdate() + timedelta(days=DAYS_AHEAD[viewport] + 1)
    ben.get_by_label("Your price").fill("95")
    ben.get_by_label("Proposed day (optional)").fill(day.isoformat())
    ben.get_by_label("Proposed start (optional)").fill("10:00")
    ben.get_by_role("button", name="Send offer").click()
    assert ben.get_by_text("Your offer is sent.").is_visible()

    # the customer accepts Anna's offer and chooses the time it left open
    customer.goto(task_url)
    customer.get_by_role("button", name="Accept the offer of Anna Aebi").click()
    customer.wait_for_url(re.compile(r"/offers/\d+/accept/$"))
    customer.get_by_role("button", name="Accept the offer").click()
    assert customer.locator("#id_day-error").inner_text() == (
        "Choose the day the job should take place."
    )
    _check(customer, "choose-time-errors", viewport, brand)
    customer.get_by_label("Day").fill(day.isoformat())
    customer.get_by_label("Start time").fill("18:00")
    customer.get_by_role("button", name="Accept the offer").click()
    customer.wait_for_url(re.compile(r"/bookings/\d+/$"))
    assert customer.get_by_text("You accepted the offer; here is your booking.").is_visible()

    # Ben sees his offer declined; Anna sees hers accepted with the booking
    ben.goto(f"{base}/workspace/offers/")
    assert ben.locator("li", has_text=title).get_by_text("Declined").is_visible()
    _check(ben, "offers-declined", viewport, brand)
    anna.get_by_role("navigation", name="Your workspace").get_by_role(
        "link", name="Your offers"
    ).click()
    row = anna.locator("li", has_text=title)
    assert row.get_by_text("Accepted").is_visible()
    row.get_by_role("link", name="See the booking").click()
    anna.wait_for_url(re.compile(r"/bookings/\d+/$"))
    anna.goto(f"{base}/workspace/earnings/")
    assert anna.locator("#earnings-pending").is_visible()
    _check(anna, "earnings", viewport, brand)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_first_helper_gets_the_urgent_request_and_the_other_is_told(
    task_market, people_pages, viewport
):
    handle, base, people = task_market
    brand = handle.brand
    booking_id = []
    committed(
        lambda: booking_id.append(_broadcast(handle, people["customer"], DAYS_AHEAD[viewport]))
    )
    anna, ben = people_pages(viewport), people_pages(viewport)
    for page, key in ((anna, "anna"), (ben, "ben")):
        sign_in(page, base, people[key])

    # both see the invite; Ben opens it and hesitates
    ben.goto(f"{base}/dashboard/provider/")
    ben.locator(f"#dashboard-broadcasts #broadcast-{booking_id[0]}").get_by_role("link").click()
    ben.wait_for_url(re.compile(rf"/workspace/broadcasts/{booking_id[0]}/$"))
    _check(ben, "broadcast", viewport, brand)

    # Anna accepts from her list of urgent requests
    anna.goto(f"{base}/workspace/broadcasts/")
    _check(anna, "broadcasts", viewport, brand)
    anna.locator(f"#broadcast-{booking_id[0]}").get_by_role("button", name="Accept").click()
    anna.wait_for_url(re.compile(rf"/bookings/{booking_id[0]}/$"))
    assert anna.get_by_text("The job is yours.").is_visible()

    # Ben is a moment too late
    ben.get_by_role("button", name="Accept the job").click()
    assert ben.locator("#broadcast-taken").get_by_text("Another helper was faster.").is_visible()
    assert "not found" not in ben.content().lower()
    _check(ben, "broadcast-taken", viewport, brand)
