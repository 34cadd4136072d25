"""The customer's urgent-request page: a broadcast sent from a page, its request page
("N helpers notified", then "Accepted by …"), and bad input shown on the form."""

from quartier.bookings.models import Booking
from quartier.bookings.services.requests import broadcast_accept
from tests.bookings.factories import bookable_listing, next_local
from tests.catalog.factories import make_provider

ZURICH_INPUT = "%Y-%m-%dT%H:%M"


def _local(moment) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Europe/Zurich")).strftime(ZURICH_INPUT)


def test_a_broadcast_sent_from_the_page_shows_its_state_until_a_helper_takes_it(tenant_a):
    client = tenant_a.session_client("customer")
    with tenant_a.context():
        helpers = [make_provider(display_name=name) for name in ("Lea Fast", "Ben Slow")]
        listings = [bookable_listing(provider=helper) for helper in helpers]
    category = listings[0].category_id

    form = client.get("/bookings/urgent/")
    posted = client.post(
        "/bookings/urgent/",
        {"category": category, "postal_code": "8004", "starts_at": _local(next_local(10))},
    )

    assert form.status_code == 200
    with tenant_a.context():
        booking = Booking.objects.get(kind=Booking.Kind.BROADCAST)
    assert posted["Location"] == f"/bookings/{booking.pk}/"
    waiting = client.get(posted["Location"]).content.decode()
    assert "2 helpers notified." in waiting
    assert f'data-live-refresh="/bookings/{booking.pk}/"' in waiting
    with tenant_a.context():
        broadcast_accept(booking=booking, provider=helpers[0])
    taken = client.get(posted["Location"]).content.decode()
    assert "Accepted by Lea Fast" in taken
    assert "helpers notified" not in taken


def test_bad_input_is_shown_on_the_form_and_nothing_is_sent(tenant_a):
    client = tenant_a.session_client("customer")
    with tenant_a.context():
        listing = bookable_listing(provider=make_provider(postal_code="8004"))

    cases = {
        "postal code": {"category": listing.category_id, "postal_code": "80", "starts_at": ""},
        "past": {
            "category": listing.category_id,
            "postal_code": "8004",
            "starts_at": "2020-01-01T10:00",
        },
        "nobody there": {
            "category": listing.category_id,
            "postal_code": "1200",  # Geneva: out of the helper's 10 km
            "starts_at": _local(next_local(10)),
        },
        "unknown category": {
            "category": "999999",
            "postal_code": "8004",
            "starts_at": _local(next_local(10)),
        },
    }
    answers = {name: client.post("/bookings/urgent/", body) for name, body in cases.items()}

    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(
        cases, 400
    )
    texts = {name: answer.content.decode() for name, answer in answers.items()}
    assert "Enter a Swiss postal code of four digits, e.g. 8004." in texts["postal code"]
    assert "Choose a time in the future." in texts["past"]
    assert "No vetted helper serves this place for this category yet." in texts["nobody there"]
    assert "Choose a category from the list." in texts["unknown category"]
    with tenant_a.context():
        assert not Booking.objects.exists()


def test_the_request_page_says_how_fast_such_requests_are_typically_answered(tenant_a):
    from datetime import timedelta

    from quartier.bookings.models import BookingEvent
    from quartier.bookings.services.requests import booking_broadcast

    client = tenant_a.session_client("customer")
    with tenant_a.context():
        helper = make_provider(display_name="Lea Fast")
        listing = bookable_listing(provider=helper)

        def broadcast(hour):
            return booking_broadcast(
                customer=tenant_a.users["customer"],
                category=listing.category,
                postal_code="8004",
                starts_at=next_local(hour),
            )

        answered = []
        for hour, minutes in ((9, 4), (11, 12), (14, 30)):
            booking = broadcast(hour)
            broadcast_accept(booking=booking, provider=helper)
            # as if the acceptance came `minutes` after the request
            BookingEvent.objects.filter(booking=booking, data__action="broadcast_accept").update(
                created_at=booking.created_at + timedelta(minutes=minutes)
            )
            answered.append(booking)
        waiting = broadcast(16)

    page = client.get(f"/bookings/{waiting.pk}/").content.decode()
    taken = client.get(f"/bookings/{answered[0].pk}/").content.decode()

    assert "Typically answered in 12 min." in page
    assert "Typically answered" not in taken
