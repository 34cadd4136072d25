"""Bookings endpoints and pages in the isolation matrix (see tests/tenancy/matrix.py)."""

import itertools
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from quartier.bookings.models import (
    Booking,
    Dispute,
    Message,
    Review,
    SavedAddress,
    Schedule,
    TimeOff,
)
from quartier.bookings.services.conversation import message_send
from quartier.bookings.services.lifecycle import booking_transition
from quartier.bookings.services.requests import booking_broadcast, booking_request_slot
from quartier.bookings.services.reviews import review_write
from quartier.bookings.services.schedule import schedule_get_or_create, time_off_add
from tests.bookings.factories import (
    bookable_listing,
    completed_booking,
    confirmed_booking,
    next_local,
)
from tests.catalog.factories import tenant_provider
from tests.tenancy.matrix import AGAIN, MARKER, Endpoint

ZURICH = ZoneInfo("Europe/Zurich")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _own_profile(handle):
    return tenant_provider(handle, display_name=MARKER)


def _listing(handle):
    listing = bookable_listing(provider=_own_profile(handle), title=MARKER)
    return listing


def _schedule(handle):
    schedule = schedule_get_or_create(_own_profile(handle))
    return {"token": schedule.feed_token, "marker": MARKER}


def _schedule_with_a_booking(handle):
    params = _schedule(handle)
    _another_confirmed(handle, params)
    return params


def _time_off(handle):
    period = time_off_add(
        provider=_own_profile(handle), starts_at=next_local(12), ends_at=next_local(13), note=MARKER
    )
    return {"pk": period.pk, "marker": MARKER}


def _slots(handle):
    listing = _listing(handle)
    start = next_local(0)
    return {
        "pk": listing.pk,
        "start": start.isoformat().replace("+", "%2B"),
        "end": (start + timedelta(days=1)).isoformat().replace("+", "%2B"),
    }


def _slots_with_a_saved_address(handle):
    SavedAddress.objects.create(
        user=handle.users["customer"], street=MARKER, postal_code="8004", city=MARKER
    )
    return _slots(handle)


def _requested(handle):
    booking = booking_request_slot(
        listing=_listing(handle),
        customer=handle.users["customer"],
        starts_at=next_local(10),
        note=MARKER,
    )
    return {"pk": booking.pk, "marker": MARKER, "listing": booking.listing_id}


def _requested_with_a_reply(handle):
    """A request with a message the customer has not read (opening the page keeps it so)."""
    params = _requested(handle)
    message_send(
        booking=Booking.objects.get(pk=params["pk"]), sender=handle.users["provider"], body=MARKER
    )
    return params


def _accepted(handle):
    params = _requested(handle)
    Booking.objects.filter(pk=params["pk"]).update(status="accepted")
    return params


def _confirmed(handle):
    booking = confirmed_booking(listing=_listing(handle), customer=handle.users["customer"])
    Booking.objects.filter(pk=booking.pk).update(note=MARKER)
    return {"pk": booking.pk, "marker": MARKER}


def _started(handle):
    params = _confirmed(handle)
    booking = Booking.objects.get(pk=params["pk"])
    past = booking.starts_at - timedelta(days=3)
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=past,
        ends_at=past + timedelta(hours=1),
        blocked_until=past + timedelta(hours=1, minutes=15),
    )
    return params


def _countered(handle):
    params = _requested(handle)
    Booking.objects.filter(pk=params["pk"]).update(counter_starts_at=next_local(16))
    return params


def _completed(handle):
    booking = completed_booking(listing=_listing(handle), customer=handle.users["customer"])
    return {"pk": booking.pk}


def _message(handle):
    params = _confirmed(handle)
    booking = Booking.objects.get(pk=params["pk"])
    message = message_send(
        booking=booking,
        sender=handle.users["customer"],
        body=MARKER,
        attachment=SimpleUploadedFile("a.pdf", PDF),
    )
    return {**params, "message": message.pk}


def _review(handle):
    params = _completed(handle)
    booking = Booking.objects.get(pk=params["pk"])
    review = review_write(booking=booking, author=handle.users["customer"], rating=5, text=MARKER)
    review_write(booking=booking, author=handle.users["provider"], rating=4)
    return {**params, "review": review.pk, "provider": booking.provider_id, "marker": MARKER}


def _broadcast(handle):
    listing = _listing(handle)
    booking = booking_broadcast(
        customer=handle.users["customer"],
        category=listing.category,
        postal_code="8004",
        starts_at=next_local(9) + timedelta(days=1),
        note=MARKER,
    )
    return {"pk": booking.pk, "marker": MARKER, "category": listing.category_id}


# Days ahead (and back) for the rows a list grows by: each on a day of its own.
_days = itertools.count(3)


def _another_request(handle, params):
    booking_request_slot(
        listing=_listing(handle),
        customer=handle.users["customer"],
        starts_at=next_local(10, days_ahead=next(_days)),
        note=MARKER,
    )


def _another_confirmed(handle, params):
    confirmed_booking(
        listing=_listing(handle),
        customer=handle.users["customer"],
        starts_at=next_local(10, days_ahead=next(_days)),
    )


def _another_event(handle, params):
    booking_transition(
        booking=Booking.objects.get(pk=params["pk"]),
        action="counter",
        actor=handle.users["provider"],
        starts_at=next_local(10, days_ahead=next(_days)),
    )


def _another_message(handle, params):
    message_send(
        booking=Booking.objects.get(pk=params["pk"]), sender=handle.users["customer"], body=MARKER
    )


def _another_review(handle, params):
    days = next(_days)
    booking = confirmed_booking(
        listing=_listing(handle),
        customer=handle.users["customer"],
        starts_at=next_local(10, days_ahead=days),
    )
    past = booking.starts_at - timedelta(days=2 * days)
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=past, ends_at=past + timedelta(hours=1), blocked_until=past + timedelta(hours=1)
    )
    booking.refresh_from_db()
    booking = booking_transition(booking=booking, action="complete", actor=handle.users["provider"])
    review_write(booking=booking, author=handle.users["customer"], rating=4, text=MARKER)
    review_write(booking=booking, author=handle.users["provider"], rating=5)


def _dispute_state(handle):
    with handle.context():
        return list(Dispute.objects.order_by("pk").values_list("pk", "booking_id", "status"))


def _booking_state(handle):
    with handle.context():
        return list(
            Booking.objects.values_list(
                "pk", "status", "provider_id", "starts_at", "counter_starts_at"
            )
        )


def _message_state(handle):
    with handle.context():
        return list(Message.objects.values_list("pk", "body", "read_at"))


def _review_state(handle):
    with handle.context():
        return list(Review.objects.values_list("pk", "is_hidden", "hidden_reason"))


def _schedule_state(handle):
    with handle.context():
        return (
            list(Schedule.objects.values_list("pk", "feed_token", "buffer_minutes", "import_url")),
            list(TimeOff.objects.values_list("pk", "note")),
        )


def _action(action, make, role, *, body=None, label=""):
    return Endpoint(
        f"api/bookings/<int:pk>/{action.replace('_', '-')}/",
        method="post",
        actor=role,
        path=f"/api/bookings/{{pk}}/{action.replace('_', '-')}/",
        make=make,
        make_other=tenant_provider,
        body=body,
        state=_booking_state,
        label=label,
    )


ENDPOINTS = [
    Endpoint(
        "api/schedule/", actor="provider", make=_schedule, make_other=tenant_provider, cross=200
    ),
    Endpoint(
        "api/schedule/",
        method="patch",
        actor="provider",
        label="update",
        make=_schedule,
        make_other=tenant_provider,
        body=lambda p: {"buffer_minutes": 45},
        cross=200,
        state=_schedule_state,
    ),
    Endpoint(
        "api/schedule/time-off/",
        method="post",
        actor="provider",
        make=_schedule,
        make_other=tenant_provider,
        ok=201,
        cross=201,
        state=_schedule_state,
        body=lambda p: {
            "starts_at": next_local(8).isoformat(),
            "ends_at": next_local(9).isoformat(),
        },
    ),
    Endpoint(
        "api/schedule/time-off/<int:pk>/",
        method="delete",
        actor="provider",
        path="/api/schedule/time-off/{pk}/",
        make=_time_off,
        make_other=tenant_provider,
        ok=204,
        state=_schedule_state,
    ),
    Endpoint(
        "api/schedule/feed-token/",
        method="post",
        actor="provider",
        make=_schedule,
        make_other=tenant_provider,
        cross=200,
        state=_schedule_state,
    ),
    Endpoint(
        "api/schedule/import/",
        method="post",
        actor="provider",
        make=_schedule,
        make_other=tenant_provider,
        ok=400,
        cross=400,
        state=_schedule_state,
    ),
    Endpoint(
        "api/listings/<int:pk>/slots/",
        path="/api/listings/{pk}/slots/?start={start}&end={end}",
        make=_slots,
    ),
    Endpoint("api/bookings/", actor="customer", make=_requested, cross=200, grow=_another_request),
    Endpoint(
        "api/bookings/",
        method="post",
        actor="customer",
        label="book",
        make=_slots,
        body=lambda p: {"listing": p["pk"], "starts_at": next_local(14).isoformat()},
        ok=201,
        cross=400,
        state=_booking_state,
    ),
    # B's customer sending A's category id: B has no vetted helper in range for it.
    Endpoint(
        "api/bookings/broadcast/",
        method="post",
        actor="customer",
        make=lambda handle: {"category": _listing(handle).category_id},
        body=lambda p: {
            "category": p["category"],
            "postal_code": "8004",
            "starts_at": next_local(9).isoformat(),
        },
        ok=201,
        cross=400,
        state=_booking_state,
    ),
    Endpoint(
        "api/bookings/<int:pk>/",
        actor="customer",
        path="/api/bookings/{pk}/",
        make=_requested,
        grow=_another_event,  # its history
    ),
    _action("accept", _requested, "provider"),
    _action("decline", _requested, "provider"),
    _action(
        "counter", _requested, "provider", body=lambda p: {"starts_at": next_local(17).isoformat()}
    ),
    _action("accept_counter", _countered, "customer"),
    _action("confirm", _accepted, "customer"),
    _action("complete", _started, "provider"),
    _action("cancel", _requested, "customer"),
    _action("no_show", _started, "provider"),
    _action("dispute", _confirmed, "customer", body=lambda p: {"reason": "late"}),
    Endpoint(
        "api/bookings/<int:pk>/messages/",
        actor="customer",
        path="/api/bookings/{pk}/messages/",
        make=_message,
        grow=_another_message,
    ),
    Endpoint(
        "api/bookings/<int:pk>/messages/",
        method="post",
        actor="customer",
        label="send",
        path="/api/bookings/{pk}/messages/",
        make=_confirmed,
        body=lambda p: {"body": "hello"},
        ok=201,
        state=_message_state,
    ),
    Endpoint(
        "api/bookings/<int:pk>/messages/read/",
        method="post",
        actor="provider",
        path="/api/bookings/{pk}/messages/read/",
        make=_message,
        make_other=tenant_provider,
        state=_message_state,
    ),
    Endpoint(
        "api/bookings/<int:pk>/messages/<int:message_id>/attachment/",
        actor="provider",
        path="/api/bookings/{pk}/messages/{message}/attachment/",
        make=_message,
        make_other=tenant_provider,
    ),
    Endpoint(
        "api/bookings/<int:pk>/reviews/",
        actor="customer",
        path="/api/bookings/{pk}/reviews/",
        make=_review,
    ),
    Endpoint(
        "api/bookings/<int:pk>/reviews/",
        method="post",
        actor="customer",
        label="write",
        path="/api/bookings/{pk}/reviews/",
        make=_completed,
        body=lambda p: {"rating": 5},
        ok=201,
        state=_review_state,
    ),
    Endpoint(
        "api/broadcasts/",
        actor="provider",
        make=_broadcast,
        make_other=tenant_provider,
        cross=200,
        grow=AGAIN,
    ),
    Endpoint(
        "api/broadcasts/<int:pk>/accept/",
        method="post",
        actor="provider",
        path="/api/broadcasts/{pk}/accept/",
        make=_broadcast,
        make_other=tenant_provider,
        state=_booking_state,
    ),
    Endpoint(
        "api/providers/<int:pk>/reviews/",
        path="/api/providers/{provider}/reviews/",
        make=_review,
        grow=_another_review,
    ),
    Endpoint(
        "api/reviews/<int:pk>/hide/",
        method="post",
        actor="admin",
        path="/api/reviews/{review}/hide/",
        make=_review,
        body=lambda p: {"reason": "x"},
        state=_review_state,
    ),
    Endpoint(
        "bookings/",
        actor="customer",
        make=_requested,
        is_api=False,
        cross=200,
        grow=_another_request,
    ),
    Endpoint(
        "bookings/<int:pk>/",
        actor="customer",
        path="/bookings/{pk}/",
        make=_requested_with_a_reply,
        is_api=False,
        grow=_another_message,  # its thread
    ),
    Endpoint(
        "calendar/<str:token>.ics",
        path="/calendar/{token}.ics",
        make=_schedule_with_a_booking,
        is_api=False,
        grow=_another_confirmed,
    ),
    Endpoint(
        "listings/<int:pk>/book/",
        actor="customer",
        path="/listings/{pk}/book/",
        make=_slots,
        is_api=False,
    ),
    Endpoint(
        "listings/<int:pk>/book/",
        method="post",
        actor="customer",
        label="book",
        path="/listings/{pk}/book/",
        make=_slots,
        body=lambda p: {
            "mode": "slot",
            "slot-starts_at": next_local(14).isoformat(),
            "slot-duration": "60",
            "slot-street": "Langstrasse 12",
            "slot-postal_code": "8004",
        },
        ok=302,
        state=_booking_state,
        is_api=False,
    ),
    Endpoint("bookings/urgent/", actor="customer", is_api=False, cross=200),
    Endpoint(
        "bookings/urgent/",
        method="post",
        actor="customer",
        make=lambda handle: {"category": _listing(handle).category_id},
        body=lambda p: {
            "category": p["category"],
            "postal_code": "8004",
            "starts_at": next_local(9).astimezone(ZURICH).strftime("%Y-%m-%dT%H:%M"),
        },
        is_api=False,
        ok=302,
        cross=400,
        state=_booking_state,
        label="send",
    ),
    Endpoint(
        "listings/<int:pk>/book/",
        actor="customer",
        label="saved-address",
        path="/listings/{pk}/book/",
        make=_slots_with_a_saved_address,
        is_api=False,
    ),
    # Without a draft in the session the summary sends back to step 1; with A's
    # listing id on B's host it is a 404 before any draft is read.
    Endpoint(
        "listings/<int:pk>/book/summary/",
        actor="customer",
        path="/listings/{pk}/book/summary/",
        make=_slots,
        ok=302,
        is_api=False,
    ),
    Endpoint(
        "listings/<int:pk>/book/summary/",
        method="post",
        actor="customer",
        label="send",
        path="/listings/{pk}/book/summary/",
        make=_slots,
        ok=302,
        state=_booking_state,
        is_api=False,
    ),
    Endpoint(
        "bookings/<int:pk>/confirmed/",
        actor="customer",
        path="/bookings/{pk}/confirmed/",
        make=_requested,
        is_api=False,
    ),
    Endpoint(
        "dashboard/",
        actor="customer",
        make=_requested,
        is_api=False,
        cross=200,
        grow=_another_request,
    ),
    Endpoint(
        "dashboard/provider/",
        actor="provider",
        make=_requested,
        make_other=tenant_provider,
        is_api=False,
        cross=200,
        grow=_another_request,
    ),
    Endpoint(
        "bookings/<int:pk>/transition/",
        method="post",
        actor="provider",
        path="/bookings/{pk}/transition/",
        make=_requested,
        make_other=tenant_provider,
        body=lambda p: {"transition-action": "accept"},
        ok=302,
        state=_booking_state,
        is_api=False,
    ),
    Endpoint(
        "bookings/<int:pk>/messages/",
        method="post",
        actor="customer",
        path="/bookings/{pk}/messages/",
        make=_confirmed,
        body=lambda p: {"message-body": "hello"},
        ok=302,
        state=_message_state,
        is_api=False,
    ),
    Endpoint(
        "bookings/<int:pk>/messages/read/",
        method="post",
        actor="provider",
        path="/bookings/{pk}/messages/read/",
        make=_message,
        make_other=tenant_provider,
        ok=302,
        state=_message_state,
        is_api=False,
    ),
    Endpoint(
        "bookings/<int:pk>/review/",
        method="post",
        actor="customer",
        path="/bookings/{pk}/review/",
        make=_completed,
        body=lambda p: {"review-rating": "5", "review-text": "great"},
        ok=302,
        state=_review_state,
        is_api=False,
    ),
    Endpoint(
        "bookings/<int:pk>/report/",
        method="post",
        actor="customer",
        path="/bookings/{pk}/report/",
        make=_accepted,
        body=lambda p: {"report-category": "not_done", "report-description": "Nobody came"},
        ok=302,
        state=_dispute_state,
        is_api=False,
    ),
]
