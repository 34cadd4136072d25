"""Reads of the integrations app, and the tenant-wide views its API gives to key holders."""

from datetime import timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone

from quartier.bookings.models import Booking
from quartier.integrations.models import ApiKey, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from quartier.platform.errors import NotFound

ANALYTICS_WEEKS = 12


def api_key_list() -> QuerySet[ApiKey]:
    return ApiKey.objects.select_related("created_by").order_by("-created_at", "-id")


def api_key_get(*, key_id: int) -> ApiKey:
    key = ApiKey.objects.filter(pk=key_id).first()
    if key is None:
        raise NotFound()
    return key


def endpoint_list() -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.order_by("id")


def endpoint_get(*, endpoint_id: int) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound()
    return endpoint


def deliveries_of(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-id")


def delivery_get(*, delivery_id: int) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFound()
    return delivery


def attempts_of(delivery: WebhookDelivery) -> QuerySet[WebhookAttempt]:
    return WebhookAttempt.objects.filter(delivery=delivery).order_by("-id")


def bookings_for_api() -> QuerySet[Booking]:
    """Every booking of the marketplace, for its own systems (no customer details)."""
    return Booking.objects.only(
        "id",
        "kind",
        "status",
        "listing_id",
        "category_id",
        "starts_at",
        "ends_at",
        "price_amount_minor",
        "price_currency",
        "postal_code",
        "created_at",
        "updated_at",
    ).order_by("-id")


def booking_counts_by_status(*, now=None) -> dict[str, int]:
    since = (now or timezone.now()) - timedelta(weeks=ANALYTICS_WEEKS)
    rows = (
        Booking.objects.filter(created_at__gte=since)
        .values("status")
        .annotate(count=Count("id"))
        .order_by("status")
    )
    return {row["status"]: row["count"] for row in rows}
