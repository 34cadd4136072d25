"""Tasks near me, offers, urgent requests and earnings in the isolation matrix, and the
customer's page choosing the time of an offer sent without one (joined into
tests/workspace/isolation.py's ENDPOINTS)."""

import itertools
from datetime import timedelta

from django.utils import timezone

from quartier.bookings.models import Booking, BroadcastInvite
from quartier.bookings.services.lifecycle import booking_transition
from quartier.bookings.services.requests import booking_broadcast, booking_request_slot
from quartier.catalog.models import Offer, TaskRequest
from quartier.catalog.services.tasks import offer_create, task_request_create
from quartier.platform.money import Money
from tests.bookings.factories import bookable_listing, completed_booking, next_local
from tests.catalog.factories import category, make_provider, tenant_provider
from tests.tenancy.matrix import AGAIN, MARKER, Endpoint

_days = itertools.count(3)


def _other_tenant_provider(handle):
    tenant_provider(handle, display_name="Other tenant's helper")


def _task(handle):
    tenant_provider(handle, display_name=MARKER)
    task = task_request_create(
        customer=handle.users["customer"], category=category(), title=MARKER, postal_code="8004"
    )
    return {"pk": task.pk, "marker": MARKER}


def _offer(handle, *, timed: bool = True):
    params = _task(handle)
    offer = offer_create(
        task=TaskRequest.objects.get(pk=params["pk"]),
        provider=tenant_provider(handle, display_name=MARKER),
        price=Money(9000, "CHF"),
        message=MARKER,
        proposed_start=timezone.now() + timedelta(days=2) if timed else None,
    )
    return {**params, "offer": offer.pk}


def _timeless_offer(handle):
    """An offer by another helper of A, without a time: A's customer chooses it."""
    params = _task(handle)
    helper = make_provider(display_name=MARKER)
    bookable_listing(provider=helper)
    offer = offer_create(
        task=TaskRequest.objects.get(pk=params["pk"]), provider=helper, price=Money(9000, "CHF")
    )
    return {**params, "offer": offer.pk, "day": (timezone.localdate() + timedelta(days=2))}


def _broadcast(handle):
    listing = bookable_listing(provider=tenant_provider(handle, display_name=MARKER))
    booking = booking_broadcast(
        customer=handle.users["customer"],
        category=listing.category,
        postal_code="8004",
        starts_at=next_local(9, days_ahead=next(_days)),
        note=MARKER,
    )
    return {"pk": booking.pk, "marker": MARKER}


def _cash_job(handle):
    listing = bookable_listing(provider=tenant_provider(handle, display_name=MARKER), title=MARKER)
    completed_booking(listing=listing, customer=handle.users["customer"])
    return {"marker": MARKER}


def _another_cash_job(handle, params):
    listing = bookable_listing(provider=tenant_provider(handle, display_name=MARKER), title=MARKER)
    booking = booking_request_slot(
        listing=listing,
        customer=handle.users["customer"],
        starts_at=next_local(10, days_ahead=next(_days)),
    )
    booking = booking_transition(booking=booking, action="accept", actor=listing.provider.user)
    booking_transition(booking=booking, action="confirm", actor=handle.users["customer"])


def _another_offer(handle, params):
    _offer(handle)


def _offer_state(handle):
    with handle.context():
        return list(Offer.objects.values_list("pk", "status", "price_amount_minor"))


def _broadcast_state(handle):
    with handle.context():
        return (
            list(Booking.objects.values_list("pk", "provider_id", "status")),
            list(BroadcastInvite.objects.values_list("pk", flat=True)),
        )


def _page(route, **fields) -> Endpoint:
    fields.setdefault("actor", "provider")
    fields.setdefault("make_other", _other_tenant_provider)
    return Endpoint(route, is_api=False, **fields)


ENDPOINTS = [
    _page("workspace/tasks/", make=_task, cross=200, grow=AGAIN),
    _page("workspace/tasks/<int:pk>/", path="/workspace/tasks/{pk}/", make=_task),
    _page(
        "workspace/tasks/<int:pk>/",
        method="post",
        label="offer",
        path="/workspace/tasks/{pk}/",
        make=_task,
        body=lambda p: {"price": "80", "minutes": "60", "message": "hello"},
        ok=302,
        state=_offer_state,
    ),
    _page("workspace/offers/", make=_offer, cross=200, grow=_another_offer),
    _page(
        "workspace/offers/<int:pk>/withdraw/",
        method="post",
        path="/workspace/offers/{offer}/withdraw/",
        make=_offer,
        ok=302,
        state=_offer_state,
    ),
    _page("workspace/broadcasts/", make=_broadcast, cross=200, grow=AGAIN),
    _page("workspace/broadcasts/<int:pk>/", path="/workspace/broadcasts/{pk}/", make=_broadcast),
    _page(
        "workspace/broadcasts/<int:pk>/accept/",
        method="post",
        path="/workspace/broadcasts/{pk}/accept/",
        make=_broadcast,
        ok=302,
        state=_broadcast_state,
    ),
    _page(
        "workspace/broadcasts/<int:pk>/decline/",
        method="post",
        path="/workspace/broadcasts/{pk}/decline/",
        make=_broadcast,
        ok=302,
        state=_broadcast_state,
    ),
    _page("workspace/earnings/", make=_cash_job, cross=200, grow=_another_cash_job),
    Endpoint(
        "offers/<int:pk>/accept/",
        actor="customer",
        path="/offers/{offer}/accept/",
        make=_timeless_offer,
        is_api=False,
    ),
    Endpoint(
        "offers/<int:pk>/accept/",
        method="post",
        label="time",
        actor="customer",
        path="/offers/{offer}/accept/",
        make=_timeless_offer,
        body=lambda p: {"day": p["day"].isoformat(), "start": "10:00"},
        ok=302,
        state=_offer_state,
        is_api=False,
    ),
]
