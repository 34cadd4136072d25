"""Outbound webhooks: signed, ordered per booking, retried, replayable, SSRF-guarded."""

from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from quartier.bookings.services.lifecycle import booking_transition
from quartier.bookings.services.requests import booking_request_slot
from quartier.integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from quartier.integrations.webhooks import (
    MAX_ATTEMPTS,
    delivery_replay,
    endpoint_create,
    endpoint_secret_rotate,
    webhooks_deliver_due,
)
from quartier.outbox.services import outbox_dispatch
from tests.bookings.factories import bookable_listing, next_local
from tests.catalog.factories import make_provider
from tests.integrations.receiver import Receiver


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    with Receiver() as running:
        yield running


def _endpoint(handle, receiver, events=()):
    with handle.context():
        endpoint = endpoint_create(url=receiver.url, events=list(events))
    receiver.secret = endpoint.secret
    return endpoint


def _two_bookings(handle):
    """Two bookings, five status changes: b1 requested, accepted, confirmed; b2 requested,
    accepted (interleaved)."""
    listing = bookable_listing(provider=make_provider(user=handle.users["provider"]))
    customer, provider = handle.users["customer"], handle.users["provider"]
    first = booking_request_slot(listing=listing, customer=customer, starts_at=next_local(10))
    second = booking_request_slot(listing=listing, customer=customer, starts_at=next_local(14))
    first = booking_transition(booking=first, action="accept", actor=provider)
    booking_transition(booking=second, action="accept", actor=provider)
    booking_transition(booking=first, action="confirm", actor=customer)
    return first, second


def _statuses_by_booking(receiver) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for item in receiver.received:
        data = item["data"]["data"]
        found.setdefault(data["booking_id"], []).append(data["to_status"])
    return found


def test_every_delivery_verifies_with_standard_webhooks(tenant_a, receiver):
    _endpoint(tenant_a, receiver)
    with tenant_a.context():
        first, second = _two_bookings(tenant_a)
        outbox_dispatch()

    assert receiver.rejected == 0
    assert _statuses_by_booking(receiver) == {
        first.pk: ["requested", "accepted", "confirmed"],
        second.pk: ["requested", "accepted"],
    }
    assert {item["data"]["type"] for item in receiver.received} == {
        "booking.requested",
        "booking.accepted",
        "booking.confirmed",
    }
    with tenant_a.context():
        assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}
        attempt = WebhookAttempt.objects.first()
    assert attempt.status_code == 200
    assert '"ok"' in attempt.response_snippet


def test_the_event_filter_sends_only_the_chosen_types(tenant_a, receiver):
    _endpoint(tenant_a, receiver, events=["booking.confirmed"])
    with tenant_a.context():
        first, _second = _two_bookings(tenant_a)
        outbox_dispatch()

    assert _statuses_by_booking(receiver) == {first.pk: ["confirmed"]}


def test_a_receiver_down_five_minutes_gets_everything_after_in_order_exactly_once(
    tenant_a, receiver
):
    endpoint = _endpoint(tenant_a, receiver)
    receiver.down = True
    with tenant_a.context():
        first, second = _two_bookings(tenant_a)
        start = timezone.now()
        outbox_dispatch()  # the first try of each booking's first event fails
        for minute in range(1, 6):
            webhooks_deliver_due(now=start + timedelta(minutes=minute))
        assert receiver.received == []
        assert receiver.refused >= 2
        receiver.down = False
        for minute in range(6, 180, 7):
            webhooks_deliver_due(now=start + timedelta(minutes=minute))
        endpoint.refresh_from_db()

    assert endpoint.enabled
    assert _statuses_by_booking(receiver) == {
        first.pk: ["requested", "accepted", "confirmed"],
        second.pk: ["requested", "accepted"],
    }
    assert len(receiver.ids()) == len(set(receiver.ids())) == 5


def test_a_retry_and_a_replay_carry_the_same_webhook_id(tenant_a, receiver):
    _endpoint(tenant_a, receiver, events=["booking.requested"])
    with tenant_a.context():
        listing = bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))
        booking_request_slot(
            listing=listing, customer=tenant_a.users["customer"], starts_at=next_local(10)
        )
        receiver.down = True
        outbox_dispatch()
        receiver.down = False
        webhooks_deliver_due(now=timezone.now() + timedelta(minutes=1))
        delivery = WebhookDelivery.objects.get()
        attempt = delivery_replay(delivery=delivery)

    assert attempt.replay
    assert attempt.succeeded
    assert receiver.ids() == [delivery.webhook_id, delivery.webhook_id]
    first, again = receiver.headers
    assert first["webhook-timestamp"] <= again["webhook-timestamp"]


def test_after_a_rotation_both_secrets_sign_until_the_overlap_ends(tenant_a, receiver):
    endpoint = _endpoint(tenant_a, receiver, events=["booking.requested"])
    old_secret = endpoint.secret
    with tenant_a.context():
        new_secret = endpoint_secret_rotate(endpoint=endpoint)
        receiver.secret = old_secret  # a receiver not yet switched over still verifies
        listing = bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))
        booking_request_slot(
            listing=listing, customer=tenant_a.users["customer"], starts_at=next_local(10)
        )
        outbox_dispatch()

    headers = receiver.headers[0]
    assert len(headers["webhook-signature"].split(" ")) == 2
    body = receiver.received[0]["data"]
    assert body["type"] == "booking.requested"
    Webhook(new_secret).verify(_raw_body(tenant_a), dict(headers.items()))


def _raw_body(handle) -> str:
    with handle.context():
        return WebhookDelivery.objects.get().body


def test_an_endpoint_failing_every_try_is_disabled_and_the_admins_are_mailed(
    tenant_a, receiver, mailoutbox
):
    endpoint = _endpoint(tenant_a, receiver, events=["booking.requested"])
    receiver.down = True
    with tenant_a.context():
        listing = bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))
        booking_request_slot(
            listing=listing, customer=tenant_a.users["customer"], starts_at=next_local(10)
        )
        start = timezone.now()
        outbox_dispatch()
        for hour in range(1, 48):
            webhooks_deliver_due(now=start + timedelta(hours=hour))
        endpoint.refresh_from_db()
        delivery = WebhookDelivery.objects.get()
        mailoutbox.clear()
        outbox_dispatch()  # the e-mail to the admins

    assert delivery.status == "failed"
    assert delivery.attempts == MAX_ATTEMPTS
    assert not endpoint.enabled
    assert [message.to for message in mailoutbox] == [[tenant_a.users["admin"].email]]
    assert receiver.url in mailoutbox[0].body


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hooks",
        "https://127.0.0.1/hooks",
        "https://localhost/hooks",
        "https://10.0.0.8/hooks",
        "https://[::1]/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "ftp://example.com/",
        "javascript:alert(1)",
        "https://",
    ],
)
def test_a_private_or_non_https_address_is_refused_with_400(tenant_a, url):
    admin = tenant_a.session_client("admin")

    response = admin.post("/back-office/webhooks/", {"url": url}, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    html = response.content.decode()
    refusals = [
        "Cette adresse n’est pas accessible depuis Internet.",
        "Indiquez une adresse https.",
        "This address is not reachable from the internet.",
        "Give an https address.",
    ]
    assert any(refusal in html for refusal in refusals)
    with tenant_a.context():
        assert not WebhookEndpoint.objects.exists()


def test_creating_an_endpoint_on_the_page_shows_its_secret_once(tenant_a, receiver):
    admin = tenant_a.session_client("admin")

    response = admin.post(
        "/back-office/webhooks/", {"url": receiver.url, "events": ["booking.confirmed"]}
    )

    assert response.status_code == 302
    with tenant_a.context():
        endpoint = WebhookEndpoint.objects.get()
    page = f"/back-office/webhooks/{endpoint.pk}/"
    assert response["Location"] == page
    assert endpoint.secret in admin.get(page).content.decode()
    assert endpoint.secret not in admin.get(page).content.decode()
    assert admin.post(f"{page}rotate/").status_code == 302
    with tenant_a.context():
        endpoint.refresh_from_db()
    assert endpoint.secret in admin.get(page).content.decode()
    assert endpoint.secret not in admin.get(page).content.decode()
