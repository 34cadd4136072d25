"""API keys, webhook endpoints and deliveries in the isolation matrix (tests/tenancy/matrix.py).

Lists answer 200 on B's host with B's own rows (never A's marker); anything taking an id
of A's answers 404 on B's host and leaves A's rows as they were.
"""

from datetime import timedelta

from django.utils import timezone

from quartier.bookings.services.requests import booking_request_slot
from quartier.catalog.models import Category
from quartier.integrations.handoffs import handoff_create
from quartier.integrations.keys import api_key_create
from quartier.integrations.models import ApiKey, Handoff, WebhookDelivery, WebhookEndpoint
from quartier.integrations.scopes import BOOKINGS_READ
from quartier.integrations.webhooks import secret_generate
from tests.bookings.factories import bookable_listing, next_local
from tests.tenancy.matrix import AGAIN, MARKER, Endpoint


def _booking(handle):
    # Each booking with a provider of its own: the slots never collide.
    booking = booking_request_slot(
        listing=bookable_listing(),
        customer=handle.users["customer"],
        starts_at=next_local(10),
    )
    return {"pk": booking.pk}


def _key(handle):
    created = api_key_create(name=MARKER, scopes=[BOOKINGS_READ], actor=handle.users["admin"])
    return {"pk": created.key.pk, "marker": MARKER}


def _key_state(handle):
    with handle.context():
        return list(ApiKey.objects.order_by("pk").values_list("pk", "name", "revoked_at"))


def _endpoint(handle):
    # Saved directly: the service would resolve the host; ".invalid" never resolves, so
    # a replay records a refused attempt without touching the network.
    endpoint = WebhookEndpoint.objects.create(
        url="https://hooks.example.invalid/quartier",
        description=MARKER,
        secret=secret_generate(),
    )
    return {"pk": endpoint.pk, "marker": MARKER}


def _endpoint_state(handle):
    with handle.context():
        return list(
            WebhookEndpoint.objects.order_by("pk").values_list("pk", "url", "secret", "enabled")
        )


def _delivery(handle):
    params = _endpoint(handle)
    delivery = WebhookDelivery.objects.create(
        endpoint_id=params["pk"],
        webhook_id=f"msg_{MARKER}_{params['pk']}",
        event_key=f"booking-event:{params['pk']}",
        event_type="booking.requested",
        ordering_key="booking:1",
        body=f'{{"marker": "{MARKER}"}}',
    )
    return {"pk": delivery.pk, "endpoint": params["pk"], "marker": MARKER}


def _delivery_state(handle):
    with handle.context():
        return list(WebhookDelivery.objects.order_by("pk").values_list("pk", "status", "attempts"))


def _another_delivery(handle, params):
    WebhookDelivery.objects.create(
        endpoint_id=params["endpoint"],
        webhook_id=f"msg_{MARKER}_{WebhookDelivery.objects.count() + 1}",
        event_key=f"booking-event:x{WebhookDelivery.objects.count() + 1}",
        event_type="booking.requested",
        ordering_key="booking:1",
        body="{}",
    )


def _handoff_body(params):
    return {
        "external_case_id": "CASE-NEW",
        "category": "router-setup",
        "postal_code": "8004",
        "preferred_times": [(timezone.now() + timedelta(days=2)).isoformat()],
        "customer_email": "someone@example.ch",
    }


def _handoff(handle):
    tokens = []
    handoff_create(
        external_case_id=MARKER,
        category=Category.objects.get(slug="router-setup"),
        description=MARKER,
        postal_code="8004",
        preferred_times=[timezone.now() + timedelta(days=2)],
        customer_email=handle.users["customer"].email,
        link_for=lambda token: tokens.append(token) or token,
    )
    return {"token": tokens[0], "marker": MARKER}


def _handoff_state(handle):
    with handle.context():
        return list(Handoff.objects.order_by("pk").values_list("pk", "booking_id"))


def _page(route, make=None, **fields):
    return Endpoint(route, actor="admin", is_api=False, make=make, cross=200, **fields)


ENDPOINTS = [
    Endpoint(
        "api/v1/handoffs/",
        method="post",
        actor="admin",
        make=_handoff,
        body=_handoff_body,
        ok=201,
        cross=201,  # B's admin hands over a case of B's own; A's cases stay as they were
        state=_handoff_state,
    ),
    Endpoint(
        "handoffs/<str:token>/",
        actor="customer",
        is_api=False,
        path="/handoffs/{token}/",
        make=_handoff,
    ),
    Endpoint(
        "handoffs/<str:token>/",
        method="post",
        actor="customer",
        label="send",
        is_api=False,
        path="/handoffs/{token}/",
        make=_handoff,
        # The owner's answer without a chosen time: refused beside the field.
        body=lambda params: {"postal_code": "8004", "note": "Help"},
        ok=400,
        state=_handoff_state,
    ),
    Endpoint("api/v1/bookings/", actor="admin", make=_booking, cross=200, grow=AGAIN),
    Endpoint(
        "api/v1/bookings/<int:pk>/", actor="admin", path="/api/v1/bookings/{pk}/", make=_booking
    ),
    Endpoint("api/v1/analytics/", actor="admin", make=_booking, cross=200),
    _page("back-office/api-keys/", make=_key, grow=AGAIN),
    Endpoint(
        "back-office/api-keys/",
        method="post",
        actor="admin",
        label="create",
        is_api=False,
        make=_key,
        body=lambda params: {"name": "Another", "scopes": [BOOKINGS_READ]},
        ok=302,
        cross=302,  # B's admin makes a key of B's own; A's keys stay as they were
        state=_key_state,
    ),
    Endpoint(
        "back-office/api-keys/<int:pk>/revoke/",
        method="post",
        actor="admin",
        is_api=False,
        path="/back-office/api-keys/{pk}/revoke/",
        make=_key,
        ok=302,
        state=_key_state,
    ),
    _page("back-office/webhooks/", make=_endpoint, grow=AGAIN),
    Endpoint(
        "back-office/webhooks/<int:pk>/",
        actor="admin",
        is_api=False,
        path="/back-office/webhooks/{endpoint}/",
        make=_delivery,
        grow=_another_delivery,
    ),
    Endpoint(
        "back-office/webhooks/<int:pk>/",
        method="post",
        actor="admin",
        label="edit",
        is_api=False,
        path="/back-office/webhooks/{pk}/",
        make=_endpoint,
        # The owner's edit of an unresolvable host is refused beside the field (400).
        body=lambda params: {"url": "https://hooks.example.invalid/other", "enabled": "on"},
        ok=400,
        state=_endpoint_state,
    ),
    Endpoint(
        "back-office/webhooks/<int:pk>/rotate/",
        method="post",
        actor="admin",
        is_api=False,
        path="/back-office/webhooks/{pk}/rotate/",
        make=_endpoint,
        ok=302,
        state=_endpoint_state,
    ),
    Endpoint(
        "back-office/webhooks/deliveries/<int:pk>/",
        actor="admin",
        is_api=False,
        path="/back-office/webhooks/deliveries/{pk}/",
        make=_delivery,
    ),
    Endpoint(
        "back-office/webhooks/deliveries/<int:pk>/replay/",
        method="post",
        actor="admin",
        is_api=False,
        path="/back-office/webhooks/deliveries/{pk}/replay/",
        make=_delivery,
        ok=302,
        state=_delivery_state,
    ),
]
