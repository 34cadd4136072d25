"""Outbound webhooks, signed per Standard Webhooks (`standardwebhooks` signs).

    event (in the publisher's transaction) -> outbox row "integrations.webhook_event"
    after commit, the outbox delivers it: one WebhookDelivery per endpoint that wants
      the type (unique per endpoint and event), then the `integrations.deliver` task
    webhooks_deliver_due(): per endpoint (taken with a lease, one dispatcher at a time),
      per ordering key (a booking), the oldest pending delivery is sent first; a later
      one waits until it is delivered or has failed for good
    a failure is retried after RETRY_SCHEDULE (about a day and a half in all); a delivery
      that fails every try disables its endpoint and mails the tenant's admins

The webhook-id of a delivery never changes, retries and manual replays included, so a
receiver that keeps the ids it has seen processes every event exactly once.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from standardwebhooks.webhooks import Webhook

from quartier.integrations import errors
from quartier.integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from quartier.platform.errors import ApplicationError
from quartier.platform.netguard import host_is_private

logger = logging.getLogger(__name__)

EVENT_KIND = "integrations.webhook_event"
DISABLED_KIND = "integrations.endpoint_disabled"

# The types a tenant may subscribe to (booking.<status> from BookingTransitioned).
EVENT_TYPES = [
    "booking.requested",
    "booking.accepted",
    "booking.declined",
    "booking.confirmed",
    "booking.cancelled_by_customer",
    "booking.cancelled_by_provider",
    "booking.completed",
    "booking.expired",
    "booking.no_show",
    "booking.disputed",
]

# Pauses after the 1st, 2nd, ... failed try; after the last one the delivery has failed.
RETRY_SCHEDULE = [
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
]
MAX_ATTEMPTS = len(RETRY_SCHEDULE) + 1
SECRET_OVERLAP = timedelta(hours=24)
LEASE = timedelta(minutes=5)
TIMEOUT_SECONDS = 10
SNIPPET_LENGTH = 500


def secret_generate() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


# --- endpoints -------------------------------------------------------------------------


def check_endpoint_url(url: str) -> str:
    """An https URL on the internet (http and private hosts only under the test setting)."""
    url = (url or "").strip()
    parsed = urlparse(url)
    allowed = ("http", "https") if settings.WEBHOOK_ALLOW_PRIVATE else ("https",)
    if parsed.scheme not in allowed or not parsed.hostname or len(url) > 500:
        raise ApplicationError.invalid_field(
            "url", gettext("Give an https address."), code=errors.INVALID_URL
        )
    if not settings.WEBHOOK_ALLOW_PRIVATE and host_is_private(parsed.hostname):
        raise ApplicationError.invalid_field(
            "url",
            gettext("This address is not reachable from the internet."),
            code=errors.INVALID_URL,
        )
    return url


def _check_events(events: list[str]) -> list[str]:
    if any(event not in EVENT_TYPES for event in events):
        raise ApplicationError.invalid_field(
            "events", gettext("Choose events from the list."), code=errors.INVALID_EVENTS
        )
    return sorted(set(events))


@transaction.atomic
def endpoint_create(*, url: str, events: list[str], description: str = "") -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        url=check_endpoint_url(url),
        events=_check_events(events),
        description=description.strip()[:200],
        secret=secret_generate(),
    )


@transaction.atomic
def endpoint_update(
    *, endpoint: WebhookEndpoint, url: str, events: list[str], description: str, enabled: bool
) -> WebhookEndpoint:
    endpoint.url = check_endpoint_url(url)
    endpoint.events = _check_events(events)
    endpoint.description = description.strip()[:200]
    if enabled and not endpoint.enabled:
        endpoint.disabled_reason = ""
    endpoint.enabled = enabled
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()


@transaction.atomic
def endpoint_secret_rotate(*, endpoint: WebhookEndpoint, now: datetime | None = None) -> str:
    """A new secret; the old one keeps signing (both signatures sent) for SECRET_OVERLAP."""
    now = now or timezone.now()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = now + SECRET_OVERLAP
    endpoint.secret = secret_generate()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    return endpoint.secret


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    found = [endpoint.secret]
    expiry = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expiry is not None and expiry > now:
        found.append(endpoint.previous_secret)
    return found


# --- events -> deliveries ----------------------------------------------------------------


def webhooks_enabled() -> bool:
    return WebhookEndpoint.objects.filter(enabled=True).exists()


def webhook_event_enqueue(*, event_type: str, event_key: str, ordering_key: str, data: dict):
    """In the publisher's transaction: one outbox row, turned into deliveries after commit."""
    from quartier.outbox.services import outbox_enqueue

    if event_type not in EVENT_TYPES:
        return
    outbox_enqueue(
        kind=EVENT_KIND,
        payload={
            "type": event_type,
            "event_key": event_key,
            "ordering_key": ordering_key,
            "timestamp": timezone.now().isoformat(),
            "data": data,
        },
        dedupe_key=f"webhook:{event_key}",
    )


def webhook_event_fan_out(payload: dict) -> None:
    """The outbox's delivery of an event: a delivery per endpoint, then the task."""
    body = json.dumps(
        {"type": payload["type"], "timestamp": payload["timestamp"], "data": payload["data"]},
        separators=(",", ":"),
        sort_keys=True,
    )
    rows = [
        WebhookDelivery(
            endpoint=endpoint,
            webhook_id=f"msg_{uuid.uuid4().hex}",
            event_key=payload["event_key"],
            event_type=payload["type"],
            ordering_key=payload["ordering_key"],
            body=body,
        )
        for endpoint in WebhookEndpoint.objects.filter(enabled=True)
        if endpoint.wants(payload["type"])
    ]
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    if rows:
        from quartier.integrations.tasks import webhooks_deliver_task

        webhooks_deliver_task.delay()


# --- sending -------------------------------------------------------------------------------


def webhooks_deliver_due(*, now: datetime | None = None) -> int:
    """Send what is due in the current schema, in order per booking; returns how many
    deliveries succeeded. `now` decides what is due (tests move it forward)."""
    now = now or timezone.now()
    delivered = 0
    for endpoint in WebhookEndpoint.objects.filter(enabled=True).order_by("id"):
        if not _lease(endpoint, now):
            continue
        try:
            delivered += _deliver_endpoint(endpoint, now)
        finally:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(lease_until=None)
    return delivered


def _lease(endpoint: WebhookEndpoint, now: datetime) -> bool:
    return bool(
        WebhookEndpoint.objects.filter(pk=endpoint.pk, enabled=True)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + LEASE)
    )


def _deliver_endpoint(endpoint: WebhookEndpoint, now: datetime) -> int:
    pending = WebhookDelivery.objects.filter(
        endpoint=endpoint, status=WebhookDelivery.Status.PENDING
    ).order_by("id")
    blocked: set[str] = set()
    delivered = 0
    for delivery in pending:
        if delivery.ordering_key in blocked:
            continue
        # The oldest pending delivery of a booking goes first; until it succeeds (or
        # fails for good) the later ones of the same booking wait behind it.
        blocked.add(delivery.ordering_key)
        if delivery.next_attempt_at > now:
            continue
        if _send_and_record(endpoint, delivery, now):
            delivered += 1
            blocked.discard(delivery.ordering_key)
        elif not endpoint.enabled:
            break
    return delivered


def _send_and_record(endpoint, delivery, now, *, replay: bool = False) -> bool:
    attempt = _send(endpoint, delivery, now, replay=replay)
    with transaction.atomic():
        attempt.save()
        if replay:
            if attempt.succeeded and delivery.status != WebhookDelivery.Status.DELIVERED:
                _mark_delivered(delivery, now)
            return attempt.succeeded
        delivery.attempts += 1
        if attempt.succeeded:
            _mark_delivered(delivery, now)
            return True
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.save(update_fields=["attempts", "status"])
            _disable(endpoint)
        else:
            delivery.next_attempt_at = now + RETRY_SCHEDULE[delivery.attempts - 1]
            delivery.save(update_fields=["attempts", "next_attempt_at"])
    return False


def _mark_delivered(delivery: WebhookDelivery, now: datetime) -> None:
    delivery.status = WebhookDelivery.Status.DELIVERED
    delivery.delivered_at = now
    delivery.save(update_fields=["attempts", "status", "delivered_at"])


def _send(endpoint, delivery, now, *, replay: bool) -> WebhookAttempt:
    attempt = WebhookAttempt(delivery=delivery, attempted_at=now, replay=replay)
    hostname = urlparse(endpoint.url).hostname or ""
    if not settings.WEBHOOK_ALLOW_PRIVATE and host_is_private(hostname):
        attempt.error = "address not reachable from the internet"
        return attempt
    # The signature's timestamp is the moment of sending: receivers reject old ones.
    sent_at = timezone.now()
    signature = " ".join(
        Webhook(secret).sign(delivery.webhook_id, sent_at, delivery.body)
        for secret in signing_secrets(endpoint, now)
    )
    # The scheme is http(s) only: check_endpoint_url allowed nothing else.
    request = urllib.request.Request(  # noqa: S310
        endpoint.url,
        data=delivery.body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Quartier-Webhooks/1",
            "webhook-id": delivery.webhook_id,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": signature,
        },
    )
    started = time.monotonic()
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            attempt.status_code = response.status
            attempt.response_snippet = _snippet(response.read(SNIPPET_LENGTH))
    except urllib.error.HTTPError as error:
        attempt.status_code = error.code
        attempt.response_snippet = _snippet(error.read(SNIPPET_LENGTH))
    # Any network failure (refused, reset, timeout, TLS) is a failed try, recorded.
    except Exception as error:  # noqa: BLE001
        attempt.error = f"{type(error).__name__}: {error}"[:300]
    attempt.latency_ms = int((time.monotonic() - started) * 1000)
    return attempt


def _snippet(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")[:SNIPPET_LENGTH]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead into our own network: it is a failed try, not followed."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def delivery_replay(*, delivery: WebhookDelivery, now: datetime | None = None) -> WebhookAttempt:
    """Send a delivery again now, with the same webhook-id (receivers see it is a replay)."""
    now = now or timezone.now()
    _send_and_record(delivery.endpoint, delivery, now, replay=True)
    return WebhookAttempt.objects.filter(delivery=delivery).order_by("-id").first()


# --- disabling --------------------------------------------------------------------------


def _disable(endpoint: WebhookEndpoint) -> None:
    from quartier.outbox.services import outbox_enqueue

    endpoint.enabled = False
    endpoint.disabled_reason = "failures"
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(enabled=False, disabled_reason="failures")
    outbox_enqueue(kind=DISABLED_KIND, payload={"endpoint_id": endpoint.pk, "url": endpoint.url})


def endpoint_disabled_mail(payload: dict) -> None:
    from quartier.accounts.models import User
    from quartier.marketplace.selectors import marketplace_settings

    settings_row = marketplace_settings()
    admins = User.objects.filter(role=User.Role.ADMIN, is_active=True).order_by("id")
    for admin in admins:
        with translation.override(admin.preferred_language or settings_row.default_language):
            subject = f"[{settings_row.display_name}] " + gettext("A webhook endpoint was disabled")
            body = render_to_string(
                "integrations/email/endpoint_disabled.txt",
                {"recipient": admin, "url": payload["url"], "schema": connection.schema_name},
            )
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[admin.email])


def register() -> None:
    from quartier.outbox.services import outbox_handler_register

    outbox_handler_register(EVENT_KIND, webhook_event_fan_out)
    outbox_handler_register(DISABLED_KIND, endpoint_disabled_mail)
