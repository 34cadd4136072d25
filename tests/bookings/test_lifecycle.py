from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from quartier.bookings.models import Booking, BookingEvent
from quartier.bookings.services.lifecycle import bookings_expire_due
from quartier.marketplace.models import MarketplaceSettings
from tests.bookings.factories import bookable_listing, next_local


@pytest.fixture
def listing(tenant_a):
    with tenant_a.context():
        return bookable_listing(provider=_provider(tenant_a))


def _provider(handle):
    from tests.catalog.factories import make_provider

    return make_provider(user=handle.users["provider"])


def _book(handle, listing, **body):
    payload = {"listing": listing.pk, "starts_at": next_local(10).isoformat(), **body}
    return handle.client("customer").post("/api/bookings/", payload, format="json")


def _act(handle, role, booking_id, action, **body):
    return handle.client(role).post(f"/api/bookings/{booking_id}/{action}/", body, format="json")


def test_the_full_lifecycle_with_history_and_emails(
    tenant_a, listing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        requested = _book(tenant_a, listing, note="Third floor, no lift.")
    assert requested.status_code == 201, requested.json()
    booking = requested.json()
    assert booking["status"] == "requested"
    assert booking["price"]["formatted"] == "CHF 60.00"
    assert [m.to for m in mail.outbox] == [["provider@telco.test"]]

    with django_capture_on_commit_callbacks(execute=True):
        accepted = _act(tenant_a, "provider", booking["id"], "accept")
        confirmed = _act(tenant_a, "customer", booking["id"], "confirm")
    assert (accepted.json()["status"], confirmed.json()["status"]) == ("accepted", "confirmed")
    invite = mail.outbox[-1]
    assert invite.attachments[0][0] == "booking.ics"
    ics = invite.attachments[0][1]
    assert "METHOD:REQUEST" in (ics.decode() if isinstance(ics, bytes) else ics)
    assert {tuple(m.to) for m in mail.outbox[-2:]} == {
        ("customer@telco.test",),
        ("provider@telco.test",),
    }

    too_early = _act(tenant_a, "provider", booking["id"], "complete")
    assert (too_early.status_code, too_early.json()["status"]) == (409, "confirmed")
    with tenant_a.context():
        past = timezone.now() - timedelta(hours=2)
        Booking.objects.filter(pk=booking["id"]).update(
            starts_at=past,
            ends_at=past + timedelta(hours=1),
            blocked_until=past + timedelta(hours=1, minutes=15),
        )
    completed = _act(tenant_a, "provider", booking["id"], "complete")
    assert completed.json()["status"] == "completed"
    history = [(e["from_status"], e["to_status"], e["actor"]) for e in completed.json()["history"]]
    assert history == [
        ("", "requested", "Telco Friends Customer"),
        ("requested", "accepted", "Telco Friends Provider"),
        ("accepted", "confirmed", "Telco Friends Customer"),
        ("confirmed", "completed", "Telco Friends Provider"),
    ]
    with tenant_a.context():
        assert listing.provider.__class__.objects.get(pk=listing.provider_id).completed_jobs == 1


@pytest.mark.parametrize(
    ("steps", "action", "role", "status"),
    [
        ([], "confirm", "customer", "requested"),
        ([], "complete", "provider", "requested"),
        ([("accept", "provider")], "accept", "provider", "accepted"),
        ([("decline", "provider")], "confirm", "customer", "declined"),
        ([("cancel", "customer")], "accept", "provider", "cancelled_by_customer"),
        ([("accept", "provider"), ("confirm", "customer")], "decline", "provider", "confirmed"),
    ],
)
def test_illegal_transitions_answer_409_with_the_current_state(
    tenant_a, listing, steps, action, role, status
):
    booking_id = _book(tenant_a, listing).json()["id"]
    for step, who in steps:
        assert _act(tenant_a, who, booking_id, step).status_code == 200
    with tenant_a.context():
        events_before = BookingEvent.objects.filter(booking_id=booking_id).count()

    response = _act(tenant_a, role, booking_id, action)

    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert response.json()["status"] == status
    with tenant_a.context():
        assert Booking.objects.get(pk=booking_id).status == status
        assert BookingEvent.objects.filter(booking_id=booking_id).count() == events_before


def test_each_step_belongs_to_one_party(tenant_a, listing):
    booking_id = _book(tenant_a, listing).json()["id"]

    by_customer = _act(tenant_a, "customer", booking_id, "accept")
    by_admin = _act(tenant_a, "admin", booking_id, "accept")

    assert by_customer.status_code == 403
    assert by_admin.status_code == 404
    cancelled = _act(tenant_a, "provider", booking_id, "cancel", reason="Sick")
    assert cancelled.json()["status"] == "cancelled_by_provider"
    assert cancelled.json()["history"][-1]["reason"] == "Sick"


def test_windows_then_counter_proposal(tenant_a, listing):
    windows = [
        {"start": next_local(9).isoformat(), "end": next_local(12).isoformat()},
        {
            "start": next_local(14, days_ahead=3).isoformat(),
            "end": next_local(17, days_ahead=3).isoformat(),
        },
    ]
    booking = (
        tenant_a.client("customer")
        .post("/api/bookings/", {"listing": listing.pk, "windows": windows}, format="json")
        .json()
    )
    assert booking["kind"] == "windows"
    assert booking["starts_at"] is None

    outside = _act(
        tenant_a, "provider", booking["id"], "accept", starts_at=next_local(11, 30).isoformat()
    )
    assert (outside.status_code, list(outside.json()["fields"])) == (400, ["starts_at"])
    counter = _act(
        tenant_a, "provider", booking["id"], "counter", starts_at=next_local(18).isoformat()
    )
    assert counter.json()["status"] == "requested"
    assert counter.json()["counter_starts_at"] is not None
    agreed = _act(tenant_a, "customer", booking["id"], "accept-counter")
    assert agreed.json()["status"] == "accepted"
    assert agreed.json()["starts_at"] == counter.json()["counter_starts_at"]


def test_the_database_refuses_overlapping_bookings(tenant_a, listing):
    first = _book(tenant_a, listing).json()
    with tenant_a.context():
        original = Booking.objects.get(pk=first["id"])
        clash = Booking(
            kind="slot",
            customer=original.customer,
            provider=original.provider,
            listing=original.listing,
            category=original.category,
            starts_at=original.starts_at + timedelta(minutes=30),
            ends_at=original.ends_at + timedelta(minutes=30),
            blocked_until=original.blocked_until + timedelta(minutes=30),
            duration_minutes=60,
        )
        with pytest.raises(IntegrityError, match="bookings_no_overlap"), transaction.atomic():
            clash.save()
        # A cancelled booking frees its time.
        Booking.objects.filter(pk=original.pk).update(status="cancelled_by_customer")
        clash.save()


def test_the_same_slot_twice_is_a_409_slot_taken(tenant_a, listing):
    assert _book(tenant_a, listing).status_code == 201

    again = _book(tenant_a, listing)

    assert again.status_code == 409
    assert again.json()["code"] == "slot_taken"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"starts_at": (timezone.now() - timedelta(days=1)).isoformat()}, "starts_at"),
        ({"starts_at": "2026-13-45T99:00"}, "starts_at"),
        ({"starts_at": next_local(3).isoformat()}, "starts_at"),  # outside the hours
        ({"starts_at": next_local(10, 10).isoformat()}, "starts_at"),  # off the grid
        ({"starts_at": (timezone.now() + timedelta(days=3650)).isoformat()}, "starts_at"),
        (
            {"windows": [{"start": next_local(12).isoformat(), "end": next_local(9).isoformat()}]},
            "windows",
        ),
        (
            {
                "windows": [
                    {
                        "start": next_local(9).isoformat(),
                        "end": (next_local(9) + timedelta(days=3650)).isoformat(),
                    }
                ]
            },
            "windows",
        ),
        ({"windows": []}, "windows"),
        (
            {
                "windows": [{"start": next_local(9).isoformat(), "end": next_local(12).isoformat()}]
                * 4
            },
            "windows",
        ),
        (
            {
                "starts_at": next_local(10).isoformat(),
                "windows": [
                    {"start": next_local(9).isoformat(), "end": next_local(12).isoformat()}
                ],
            },
            "starts_at",
        ),
    ],
)
def test_bad_booking_input_is_a_400_and_changes_nothing(tenant_a, listing, body, field):
    payload = {"listing": listing.pk, **body}

    response = tenant_a.client("customer").post("/api/bookings/", payload, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    with tenant_a.context():
        assert not Booking.objects.exists()


def test_you_cannot_book_yourself_or_an_unpublished_listing(tenant_a, listing):
    own = tenant_a.client("provider").post(
        "/api/bookings/",
        {"listing": listing.pk, "starts_at": next_local(10).isoformat()},
        format="json",
    )
    assert own.status_code == 403
    with tenant_a.context():
        listing.status = "paused"
        listing.save()
    paused = _book(tenant_a, listing)
    assert paused.status_code == 404


def test_unanswered_requests_expire_after_the_tenant_setting(tenant_a, listing):
    with tenant_a.context():
        MarketplaceSettings.objects.update(booking_request_expiry_hours=6)
    booking = _book(tenant_a, listing).json()
    with tenant_a.context():
        stored = Booking.objects.get(pk=booking["id"])
        assert abs((stored.expires_at - timezone.now()) - timedelta(hours=6)) < timedelta(minutes=1)
        assert bookings_expire_due() == 0
        assert bookings_expire_due(now=stored.expires_at + timedelta(seconds=1)) == 1
        assert bookings_expire_due(now=stored.expires_at + timedelta(seconds=2)) == 0
        assert Booking.objects.get(pk=booking["id"]).status == "expired"
    assert _act(tenant_a, "provider", booking["id"], "accept").json()["status"] == "expired"


def test_booking_lists_filter_by_status_and_refuse_bad_filters(tenant_a, listing):
    first = _book(tenant_a, listing).json()
    second = _book(tenant_a, listing, starts_at=next_local(14).isoformat()).json()
    _act(tenant_a, "provider", second["id"], "decline")
    client = tenant_a.client("customer")

    requested = client.get("/api/bookings/", {"status": "requested"}).json()["results"]
    as_provider = client.get("/api/bookings/", {"role": "provider"}).json()["results"]
    bad_status = client.get("/api/bookings/", {"status": "lost"})
    bad_date = client.get("/api/bookings/", {"starts_after": "soon"})
    bad_role = client.get("/api/bookings/", {"role": "boss"})

    assert [b["id"] for b in requested] == [first["id"]]
    assert as_provider == []
    assert (bad_status.status_code, list(bad_status.json()["fields"])) == (400, ["status"])
    assert (bad_date.status_code, list(bad_date.json()["fields"])) == (400, ["starts_after"])
    assert (bad_role.status_code, list(bad_role.json()["fields"])) == (400, ["role"])
