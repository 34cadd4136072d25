"""Live pages in Chromium: a provider's open dashboard shows a new broadcast invite
without reload. The whole site is served by uvicorn here (the live server thread of
the other browser tests is WSGI and cannot keep an event stream open)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quartier.bookings.models import Booking
from quartier.notifications.models import Notification
from quartier.outbox.models import OutboxMessage
from tests.browser.conftest import committed, sign_in
from tests.notifications.servers import redis_available, run_prefix, uvicorn_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not redis_available(), reason="needs Redis"),
]


@pytest.fixture(autouse=True)
def _database_first(db):
    """Provisions the session's tenants behind the `db` fixture, as the other modules
    reaching them first do; what the server sees is committed by the fixtures."""


@pytest.fixture(scope="module")
def asgi_port(_database, storefronts):
    with uvicorn_server(prefix=run_prefix(), heartbeat_seconds=15) as port:
        yield port


def test_the_provider_dashboard_shows_a_new_broadcast_without_reload(
    storefronts, asgi_port, new_context
):
    storefront = storefronts["telco"]
    base_url = f"http://{storefront.handle.host}:{asgi_port}"
    provider = new_context().new_page()
    customer_context = new_context()
    customer = customer_context.new_page()
    sign_in(provider, base_url, storefront.provider_email)
    sign_in(customer, base_url, storefront.customer_email)
    with provider.expect_response(lambda response: "/events/stream/" in response.url) as opened:
        provider.goto(f"{base_url}/dashboard/provider/")
    assert opened.value.status == 200
    provider.evaluate("window.notReloaded = true")
    bell = provider.locator("[data-live-count]")
    before = int(bell.inner_text() or 0)  # the bell shows no number when nothing is unread

    # the customer asks for urgent help (through the API, from the customer's own page)
    csrf = next(c["value"] for c in customer_context.cookies() if c["name"] == "csrftoken")
    body = {
        "category": storefront.listing.category_id,
        "postal_code": "8004",
        "starts_at": (timezone.now() + timedelta(days=2)).isoformat(),
    }
    status, text = customer.evaluate(
        """async ([body, csrf]) => {
            const answer = await fetch("/api/bookings/broadcast/", {
                method: "POST",
                credentials: "same-origin",
                headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
                body: JSON.stringify(body),
            });
            return [answer.status, await answer.text()];
        }""",
        [body, csrf],
    )
    assert status == 201, text
    booking_id = json.loads(text)["id"]
    try:
        invite = provider.locator("#requests [data-live-item='broadcast_invite'] a")
        expect(invite).to_have_text("Urgent request near you", timeout=5000)
        expect(invite).to_have_attribute("href", f"/workspace/broadcasts/{booking_id}/")
        expect(bell).to_have_text(str(before + 1))
        expect(provider.locator("[data-live-region]")).to_have_text("Urgent request near you")
        assert provider.evaluate("window.notReloaded") is True
    finally:

        def clean():
            with storefront.handle.context():
                notifications = Notification.objects.filter(params__booking_id=booking_id)
                OutboxMessage.objects.filter(
                    dedupe_key__in=[
                        f"notification:{pk}:live"
                        for pk in notifications.values_list("pk", flat=True)
                    ]
                ).delete()
                notifications.delete()
                Booking.objects.filter(pk=booking_id).delete()

        committed(clean)


def _second_helper(storefront):
    """Another vetted helper in range of the same category (committed, removed after)."""
    import uuid

    from quartier.accounts.models import User
    from quartier.accounts.services import user_create
    from quartier.catalog.models import Listing
    from quartier.providers.models import ProviderProfile
    from quartier.trust.models import Badge, BadgeAward
    from tests.bookings.factories import bookable_listing
    from tests.catalog.factories import make_provider
    from tests.conftest import PASSWORD

    made = {}

    def create():
        with storefront.handle.context():
            user = user_create(
                email=f"b{uuid.uuid4().hex[:8]}@telco.test",
                password=PASSWORD,
                full_name="Ben Second",
                role=User.Role.PROVIDER,
            )
            profile = make_provider(user=user, postal_code="8004", radius_km=10)
            listing = bookable_listing(provider=profile, title="WLAN help", francs=70)
            BadgeAward.objects.create(badge=Badge.objects.get(slug="vetted"), provider=profile)
            ProviderProfile.objects.filter(pk=profile.pk).update(badge_slugs=["vetted"])
            Listing.objects.filter(pk=listing.pk).update(badge_slugs=["vetted"])
            made.update(email=user.email, user_id=user.pk)

    committed(create)
    return made


def _local_input(days_ahead: int = 3, hour: int = 10) -> str:
    from zoneinfo import ZoneInfo

    day = timezone.now().astimezone(ZoneInfo("Europe/Zurich")).date() + timedelta(days=days_ahead)
    return f"{day.isoformat()}T{hour:02d}:00"


def test_the_customer_sees_the_first_helper_win_and_the_second_gets_already_taken(
    storefronts, asgi_port, new_context, browser
):
    from quartier.accounts.models import User
    from tests.browser.conftest import Storefront, _clean

    storefront = storefronts["telco"]
    base_url = f"http://{storefront.handle.host}:{asgi_port}"
    with storefront.handle.context():
        outbox_before = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first()
    ben = _second_helper(storefront)
    booking_ids = []
    try:
        lea, other, customer = (new_context().new_page() for _ in range(3))
        sign_in(lea, base_url, storefront.provider_email)
        sign_in(other, base_url, ben["email"])
        sign_in(customer, base_url, storefront.customer_email)
        for helper in (lea, other):
            with helper.expect_response(lambda answer: "/events/stream/" in answer.url):
                helper.goto(f"{base_url}/dashboard/provider/")
            helper.evaluate("window.notReloaded = true")

        # the customer asks for urgent help on its own page
        customer.goto(f"{base_url}/dashboard/")
        customer.get_by_role("link", name="Ask for urgent help").click()
        customer.get_by_label("Category").select_option(str(storefront.listing.category_id))
        customer.get_by_label("Postal code").fill("8004")
        customer.get_by_label("When should the helper come?").fill(_local_input())
        with customer.expect_response(lambda answer: "/events/stream/" in answer.url):
            customer.get_by_role("button", name="Send to helpers nearby").click()
        customer.wait_for_url(f"{base_url}/bookings/*/")
        booking_ids.append(int(customer.url.rstrip("/").rsplit("/", 1)[1]))
        state = customer.locator("#broadcast-state")
        expect(state).to_contain_text("helpers notified")
        customer.evaluate("window.notReloaded = true")

        # both helpers' open dashboards show the invite without reload
        for helper in (lea, other):
            invite = helper.locator("#requests [data-live-item='broadcast_invite'] a")
            expect(invite).to_have_attribute(
                "href", f"/workspace/broadcasts/{booking_ids[0]}/", timeout=5000
            )
            assert helper.evaluate("window.notReloaded") is True
            invite.click()
            expect(helper.get_by_role("button", name="Accept the job")).to_be_visible()

        # Lea is first: the customer's open page flips to her name without reload
        lea.get_by_role("button", name="Accept the job").click()
        lea.wait_for_url(f"{base_url}/bookings/{booking_ids[0]}/")
        expect(state).to_have_text(f"Accepted by {storefront.provider.display_name}", timeout=5000)
        assert customer.evaluate("window.notReloaded") is True

        # Ben's accept on the same request is told clearly that it is taken
        other.get_by_role("button", name="Accept the job").click()
        taken = other.locator("#broadcast-taken")
        expect(taken).to_contain_text("Another helper was faster.")
        expect(other.get_by_role("button", name="Accept the job")).to_have_count(0)

        # without JavaScript, a reload shows the same state
        plain = browser.new_context(java_script_enabled=False, locale="en-GB")
        try:
            page = plain.new_page()
            sign_in(page, base_url, storefront.customer_email)
            page.goto(f"{base_url}/bookings/{booking_ids[0]}/")
            expect(page.locator("#broadcast-state")).to_have_text(
                f"Accepted by {storefront.provider.display_name}"
            )
        finally:
            plain.close()
    finally:

        def clean():
            with storefront.handle.context():
                Notification.objects.filter(params__booking_id__in=booking_ids).delete()
                OutboxMessage.objects.filter(pk__gt=outbox_before or 0).delete()
                Booking.objects.filter(pk__in=booking_ids).delete()
                _clean(
                    Storefront(
                        handle=storefront.handle,
                        base_url=base_url,
                        customer_email="",
                        provider_email=ben["email"],
                        listing=None,
                        provider=None,
                        user_ids=[ben["user_id"]],
                    )
                )
                assert not User.objects.filter(pk=ben["user_id"]).exists()

        committed(clean)


def test_the_new_pages_on_a_phone_push_settings_and_the_urgent_form(
    storefronts, asgi_port, browser, csp_violations
):
    from tests.browser.conftest import SCREENSHOTS, axe_violations, watch_csp

    storefront = storefronts["telco"]
    base_url = f"http://{storefront.handle.host}:{asgi_port}"
    context = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    watch_csp(context, csp_violations)

    def check(page, name):
        page.wait_for_load_state()
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        wide = page.evaluate(
            """() => Array.from(document.querySelectorAll('body *')).filter(
                (e) => e.getBoundingClientRect().right > window.innerWidth
            ).map((e) => e.tagName + '#' + e.id + '.' + e.className).slice(0, 10)"""
        )
        assert widths[0] <= widths[1], (name, widths, wide)
        assert axe_violations(page) == [], name
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"live-phone-{name}.png"), full_page=True)

    try:
        helper = context.new_page()
        sign_in(helper, base_url, storefront.provider_email)
        helper.goto(f"{base_url}/notifications/preferences/")
        # the script registered the service worker for the whole site and offers the switch
        expect(helper.get_by_role("button", name="Turn on push on this device")).to_be_visible()
        scope = helper.evaluate("async () => (await navigator.serviceWorker.ready).scope")
        assert scope == f"{base_url}/"
        expect(helper.locator("#push-devices")).to_contain_text(
            "No device gets push notifications yet."
        )
        check(helper, "push-settings")
        helper.close()

        customer = context.new_page()
        context.clear_cookies()
        sign_in(customer, base_url, storefront.customer_email)
        customer.goto(f"{base_url}/bookings/urgent/")
        check(customer, "urgent-form")
        customer.get_by_label("Category").select_option(str(storefront.listing.category_id))
        customer.get_by_label("Postal code").fill("80")
        customer.get_by_label("When should the helper come?").fill(_local_input())
        customer.get_by_role("button", name="Send to helpers nearby").click()
        expect(
            customer.get_by_text("Enter a Swiss postal code of four digits, e.g. 8004.").first
        ).to_be_visible()
        check(customer, "urgent-form-errors")
    finally:
        context.close()
