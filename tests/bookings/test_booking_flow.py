"""The booking flow's pages: step 1 (day strip, time chips, duration, address, note),
step 2 (summary with the price breakdown and terms, the only write), step 3
(confirmation), and bad input at every step: translated errors, nothing half-saved."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from quartier.billing.models import PayoutSettings
from quartier.bookings.models import Booking, SavedAddress
from quartier.bookings.services.requests import Address, booking_request_slot
from quartier.catalog.models import Listing
from tests.bookings.factories import ZURICH, bookable_listing, next_local
from tests.catalog.factories import make_provider


@pytest.fixture
def listing(tenant_a):
    with tenant_a.context():
        return bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))


@pytest.fixture
def hourly(tenant_a):
    with tenant_a.context():
        listing = bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))
        Listing.objects.filter(pk=listing.pk).update(price_unit=Listing.PriceUnit.HOUR)
        listing.refresh_from_db()
        return listing


def _day(moment) -> str:
    return moment.astimezone(ZURICH).date().isoformat()


def _step_one(client, listing, starts_at, language="en", **fields):
    data = {
        "mode": "slot",
        "day": _day(starts_at),
        "slot-starts_at": starts_at.isoformat(),
        "slot-duration": "60",
        "slot-address": "new",
        "slot-street": "Langstrasse 12",
        "slot-postal_code": "8004",
        "slot-city": "",
        "slot-note": "Router blinkt rot",
    }
    data.update(fields)
    return client.post(f"/listings/{listing.pk}/book/", data, HTTP_ACCEPT_LANGUAGE=language)


def _count(handle, model=Booking) -> int:
    with handle.context():
        return model.objects.count()


def test_step_one_shows_four_weeks_and_the_chosen_days_times(tenant_a, listing):
    client = tenant_a.session_client("customer")
    starts_at = next_local(14)

    page = client.get(f"/listings/{listing.pk}/book/?day={_day(starts_at)}").content.decode()

    assert page.count('class="bk-day') >= 28
    assert 'aria-current="date"' in page
    assert starts_at.isoformat() in page
    assert 'autocomplete="postal-code"' in page
    fragment = client.get(f"/listings/{listing.pk}/book/?day={_day(starts_at)}&fragment=chips")
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="bk-chips"')
    assert "<html" not in body
    assert starts_at.isoformat() in body


@pytest.mark.parametrize("day", ["2001-01-01", "2999-12-31", "tomorrow", "2026-13-45"])
def test_a_day_out_of_range_is_a_translated_400(tenant_a, listing, day):
    client = tenant_a.session_client("customer")
    with translation.override("de"):
        response = client.get(f"/listings/{listing.pk}/book/?day={day}", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Wählen Sie einen Tag" in page
    assert "Traceback" not in page


def test_the_summary_shows_the_breakdown_and_sending_books_and_saves_the_address(tenant_a, hourly):
    client = tenant_a.session_client("customer")
    starts_at = next_local(10)
    with tenant_a.context():
        PayoutSettings.objects.update(
            customer_fee_basis_points=500,
            payment_mode="offline",
            free_cancellation_hours=24,
            late_cancellation_basis_points=5000,
        )

    step_one = _step_one(
        client,
        hourly,
        starts_at,
        **{"slot-duration": "180", "slot-save_address": "on", "slot-street": "Bahnhofstr.\u202e 1"},
    )
    assert step_one.status_code == 302, step_one.content.decode()[:3000]
    assert step_one["Location"] == f"/listings/{hourly.pk}/book/summary/"
    assert _count(tenant_a) == 0  # nothing is written before the summary
    summary = client.get(step_one["Location"]).content.decode()
    assert "× 3 hours" in summary
    assert "CHF\u00a0180.00" in summary  # 60 × 3; offline: no fee
    assert "Free cancellation until" in summary
    assert "50 %" in summary
    assert "on site" in summary

    sent = client.post(step_one["Location"])

    with tenant_a.context():
        booking = Booking.objects.get()
        saved = list(SavedAddress.objects.values_list("user_id", "street", "postal_code", "city"))
    assert sent["Location"] == f"/bookings/{booking.pk}/confirmed/"
    assert (booking.duration_minutes, booking.price_amount_minor) == (180, 18000)
    assert booking.ends_at - booking.starts_at == timedelta(hours=3)
    # The invisible right-to-left override is dropped; the place comes from the postal code.
    assert (booking.street, booking.postal_code, booking.city) == (
        "Bahnhofstr. 1",
        "8004",
        "Zürich",
    )
    assert booking.note == "Router blinkt rot"
    assert saved == [(tenant_a.users["customer"].pk, "Bahnhofstr. 1", "8004", "Zürich")]
    confirmed = client.get(sent["Location"]).content.decode()
    assert "Pay CHF\u00a0180.00 on site." in confirmed
    assert "What happens next" in confirmed
    # The draft is gone: the summary sends back to step 1.
    assert client.get(step_one["Location"])["Location"] == f"/listings/{hourly.pk}/book/"


def test_online_payment_shows_the_fee_and_keeps_the_card_step(tenant_a, listing):
    client = tenant_a.session_client("customer")
    with tenant_a.context():
        PayoutSettings.objects.update(customer_fee_basis_points=500, payment_mode="online")
    _step_one(client, listing, next_local(11))

    summary = client.get(f"/listings/{listing.pk}/book/summary/").content.decode()
    assert "CHF\u00a03.00" in summary
    assert "CHF\u00a063.00" in summary
    assert "charged only after the job" in summary
    sent = client.post(f"/listings/{listing.pk}/book/summary/")
    with tenant_a.context():
        booking = Booking.objects.get()
    assert sent["Location"] == f"/billing/bookings/{booking.pk}/card/"


def test_a_saved_address_is_offered_and_used(tenant_a, listing):
    client = tenant_a.session_client("customer")
    with tenant_a.context():
        saved = SavedAddress.objects.create(
            user=tenant_a.users["customer"], street="Seefeldstr. 5", postal_code="8008"
        )
    page = client.get(f"/listings/{listing.pk}/book/").content.decode()
    assert "Seefeldstr. 5" in page

    step_one = _step_one(
        client,
        listing,
        next_local(12),
        **{"slot-address": str(saved.pk), "slot-street": "", "slot-postal_code": ""},
    )
    assert step_one.status_code == 302
    client.post(step_one["Location"])
    with tenant_a.context():
        assert Booking.objects.get().street == "Seefeldstr. 5"
        assert SavedAddress.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"slot-postal_code": "0000"}, "Unbekannte Postleitzahl"),
        ({"slot-postal_code": "80a4"}, "Postleitzahl"),
        ({"slot-street": ""}, "Strasse und Hausnummer"),
        ({"slot-street": "\u200b\u200e "}, "Strasse und Hausnummer"),
        ({"slot-note": "x" * 2001}, "höchstens 2000 Zeichen"),
        ({"slot-duration": "999"}, "Dauer"),
        ({"slot-starts_at": "yesterday"}, "Zeit"),
        ({"slot-address": "999999"}, "Adressen"),
    ],
)
def test_bad_step_one_input_is_a_translated_error_and_saves_nothing(
    tenant_a, listing, fields, message
):
    client = tenant_a.session_client("customer")
    response = _step_one(client, listing, next_local(13), language="de", **fields)
    assert response.status_code in (400, 409)
    page = response.content.decode()
    assert message in page, page[:4000]
    for leak in ("This field", "Ensure this value", "Select a valid choice", "Enter a"):
        assert leak not in page
    assert _count(tenant_a) == 0
    assert _count(tenant_a, SavedAddress) == 0
    assert f"booking-draft:{listing.pk}" not in client.session


def test_a_slot_taken_between_the_steps_is_a_translated_409_and_saves_nothing(tenant_a, listing):
    client = tenant_a.session_client("customer")
    starts_at = next_local(15)
    _step_one(client, listing, starts_at, **{"slot-save_address": "on"})
    with tenant_a.context():
        booking_request_slot(listing=listing, customer=tenant_a.users["admin"], starts_at=starts_at)

    with translation.override("fr"):
        response = client.post(f"/listings/{listing.pk}/book/summary/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 409
    page = response.content.decode()
    assert "Choisissez une autre heure" in page
    with tenant_a.context():
        assert Booking.objects.count() == 1
        assert SavedAddress.objects.count() == 0


def test_odd_unicode_in_the_note_is_kept_as_text(tenant_a, listing):
    client = tenant_a.session_client("customer")
    note = "Ça marche pas 📶 — <script>alert(1)</script>\u0000\u202e"
    response = _step_one(client, listing, next_local(16), **{"slot-note": note})
    # A NUL byte is refused by the form field itself, in words.
    assert response.status_code == 400
    _step_one(client, listing, next_local(16), **{"slot-note": note.replace("\u0000", "")})
    summary = client.get(f"/listings/{listing.pk}/book/summary/").content.decode()
    assert "&lt;script&gt;" in summary
    assert "<script>alert" not in summary
    client.post(f"/listings/{listing.pk}/book/summary/")
    with tenant_a.context():
        assert Booking.objects.get().note == "Ça marche pas 📶 — <script>alert(1)</script>"


def test_the_customer_marks_the_job_done(tenant_a, listing):
    from tests.bookings.factories import confirmed_booking

    with tenant_a.context():
        booking = confirmed_booking(listing=listing, customer=tenant_a.users["customer"])
    client = tenant_a.session_client("customer")
    url = f"/bookings/{booking.pk}/transition/"
    early = client.post(url, {"transition-action": "complete"})
    assert early.status_code == 409
    with tenant_a.context():
        past = timezone.now() - timedelta(hours=2)
        Booking.objects.filter(pk=booking.pk).update(
            starts_at=past,
            ends_at=past + timedelta(hours=1),
            blocked_until=past + timedelta(hours=1),
        )
    page = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert "Mark as completed" in page
    assert client.post(url, {"transition-action": "complete"}).status_code == 302
    with tenant_a.context():
        booking.refresh_from_db()
    assert booking.status == "completed"
    assert booking.completed_at is not None


def test_the_address_service_refuses_unknown_postal_codes(tenant_a, listing):
    from quartier.platform.errors import ApplicationError

    with tenant_a.context(), pytest.raises(ApplicationError) as refused:
        booking_request_slot(
            listing=listing,
            customer=tenant_a.users["customer"],
            starts_at=next_local(9),
            address=Address("Somewhere 1", "9999"),
            save_address=True,
        )
    assert "postal_code" in refused.value.fields
    assert _count(tenant_a) == 0
    assert _count(tenant_a, SavedAddress) == 0


def test_another_customer_never_sees_or_uses_a_saved_address(tenant_a, listing):
    with tenant_a.context():
        saved = SavedAddress.objects.create(
            user=tenant_a.users["customer"], street="Geheimweg 7", postal_code="8004"
        )
    other = tenant_a.session_client("admin")

    page = other.get(f"/listings/{listing.pk}/book/").content.decode()
    taken = _step_one(
        other,
        listing,
        next_local(12),
        **{"slot-address": str(saved.pk), "slot-street": "", "slot-postal_code": ""},
    )

    assert "Geheimweg" not in page
    assert taken.status_code == 400
    assert "Choose one of your addresses." in taken.content.decode()
    assert "Geheimweg" not in taken.content.decode()


def test_only_durations_that_fit_a_free_stretch_are_offered(tenant_a):
    from datetime import time

    with tenant_a.context():
        short_day = bookable_listing(
            provider=make_provider(user=tenant_a.users["provider"]), opens=time(8), closes=time(11)
        )
        Listing.objects.filter(pk=short_day.pk).update(price_unit=Listing.PriceUnit.HOUR)
    page = tenant_a.session_client("customer").get(f"/listings/{short_day.pk}/book/")
    text = page.content.decode()

    assert '<option value="180">3 hours</option>' in text
    assert '<option value="240" disabled>4 hours — fully booked</option>' in text
    assert text.count(" disabled>") == 5  # 4 to 8 hours


def test_days_and_terms_are_written_the_swiss_german_way(tenant_a, listing):
    client = tenant_a.session_client("customer")
    starts_at = next_local(10, days_ahead=3)
    _step_one(client, listing, starts_at)
    summary = client.get(
        f"/listings/{listing.pk}/book/summary/", HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    local = starts_at.astimezone(ZURICH)
    assert f", {local.day}. " in summary  # "Sonntag, 6. Dezember"
    assert "Kostenlos stornierbar bis" in summary
    assert "50 % des Preises" in summary
    assert "ß" not in summary


def test_a_stale_draft_does_not_turn_step_one_into_an_error(tenant_a, listing):
    client = tenant_a.session_client("customer")
    _step_one(client, listing, next_local(10))
    session = client.session
    draft = session[f"booking-draft:{listing.pk}"]
    draft["starts_at"] = "2001-01-01T10:00:00+00:00"
    session[f"booking-draft:{listing.pk}"] = draft
    session.save()

    page = client.get(f"/listings/{listing.pk}/book/")

    assert page.status_code == 200
    assert "Langstrasse 12" in page.content.decode()  # the rest of the draft is kept
