"""Domain events: typed, published in the writer's transaction, checked at start-up."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from quartier.billing.services.payments import booking_transitioned
from quartier.bookings.events import BookingTransitioned
from quartier.platform import events
from quartier.platform.checks import event_subscribers


@pytest.fixture
def bus():
    """Restore the subscriptions a test changes."""
    before = events.subscribers()
    yield
    for event_type, handlers in events.subscribers().items():
        for handler in handlers:
            events.unsubscribe(event_type, handler)
    for event_type, handlers in before.items():
        for handler in handlers:
            events.subscribe(event_type, handler)


def test_the_configured_subscribers_pass_the_check():
    assert event_subscribers(None) == []


def test_a_subscriber_that_cannot_take_the_event_fails_the_check(bus):
    def needs_two(event, extra):
        return None

    events.subscribe(BookingTransitioned, needs_two)
    events.subscribe(BookingTransitioned, "quartier.billing.services.payments.x")

    problems = event_subscribers(None)

    assert [problem.id for problem in problems] == ["quartier.E010", "quartier.E010"]
    assert "quartier.bookings.events.BookingTransitioned" in problems[0].msg
    with pytest.raises(SystemCheckError, match="quartier.E010"):
        call_command("check")


def test_a_missing_required_subscriber_fails_the_check(bus):
    events.unsubscribe(BookingTransitioned, booking_transitioned)

    problems = event_subscribers(None)

    assert [(p.id, p.msg) for p in problems] == [
        (
            "quartier.E012",
            "quartier.billing does not subscribe to quartier.bookings.events.BookingTransitioned.",
        )
    ]


def test_a_required_event_that_does_not_exist_fails_the_check(settings):
    settings.EVENT_SUBSCRIBERS_REQUIRED = {"quartier.bookings.events.BookingMoved": ["x"]}

    assert [p.id for p in event_subscribers(None)] == ["quartier.E011"]


def test_an_event_is_a_payload_for_notifications_and_webhooks():
    event = BookingTransitioned(
        booking_id=7,
        event_id=31,
        transition="confirm",
        from_status="accepted",
        to_status="confirmed",
        actor_id=3,
        customer_id=3,
        provider_id=2,
        schema="t_telco",
    )

    payload = event.as_payload()

    assert payload["name"] == "booking.confirmed"
    assert {key: payload[key] for key in ("schema", "booking_id", "event_id", "actor_id")} == {
        "schema": "t_telco",
        "booking_id": 7,
        "event_id": 31,
        "actor_id": 3,
    }
    assert payload["occurred_at"].endswith("+00:00")
    with pytest.raises(AttributeError):
        event.booking_id = 8  # frozen
