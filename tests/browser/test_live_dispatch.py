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
    before = int(bell.inner_text())

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
        expect(invite).to_have_attribute("href", f"/bookings/{booking_id}/")
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
